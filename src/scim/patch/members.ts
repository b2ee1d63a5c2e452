import { ScimError } from '../errors.js';
import { findAttribute } from '../schema/attribute.js';
import { isObject, type ResourceReader } from '../schema/validate.js';

/** A member named in a request: the id of a user or group, and its type when the client gave one. */
export interface MemberInput {
  readonly value: string;
  readonly type: 'User' | 'Group' | undefined;
}

/**
 * Reads a `members` value, one member or a list, as sent in a body or a PATCH operation. Each
 * member needs a `value`; `type` is `User` or `Group` in any case; `display` and `$ref` are
 * ignored because the server derives them.
 */
export function readMemberInputs(reader: ResourceReader, value: unknown): MemberInput[] {
  const definition = findAttribute(reader.resourceType.schema.attributes, 'members')!;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every(isObject))
    throw ScimError.of('invalidValue', 'members must be a list of objects');

  const read = (reader.readAttribute(definition, list, 'members') ?? []) as Record<
    string,
    unknown
  >[];
  return read.map((member, index) => {
    if (typeof member.value !== 'string' || member.value === '') {
      throw ScimError.of('invalidValue', `members[${index}].value is required`);
    }

    const type = typeof member.type === 'string' ? member.type.toLowerCase() : undefined;
    if (type !== undefined && type !== 'user' && type !== 'group') {
      throw ScimError.of('invalidValue', `members[${index}].type must be User or Group`);
    }
    if (type === undefined) return { value: member.value, type: undefined };
    return { value: member.value, type: type === 'user' ? 'User' : 'Group' };
  });
}
