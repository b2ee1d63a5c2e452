import { ScimError } from '../errors.js';
import { matchesValueFilter, plainEqualities, type ValueFilter } from '../filter/value-filter.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import { findResourceSchema } from '../schema/resource-types.js';
import { isObject, type ResourceReader } from '../schema/validate.js';
import { type MemberInput, readMemberInputs } from './members.js';
import type { PatchOperation, PatchOpName } from './operations.js';
import { type PatchPath, parsePatchPath } from './path.js';

type JsonObject = Record<string, unknown>;

/** A change to a group's membership, applied to the membership table rather than the resource. */
export type MemberChange =
  | { readonly kind: 'add' | 'replace'; readonly members: MemberInput[] }
  | { readonly kind: 'remove'; readonly ids: string[] }
  | { readonly kind: 'removeAll' }
  | { readonly kind: 'removeMatching'; readonly filter: ValueFilter; readonly label: string };

/** The resource after a PATCH, and the membership changes its operations request. */
export interface PatchOutcome {
  readonly resource: JsonObject;
  readonly memberChanges: MemberChange[];
}

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a copy of a stored resource, in order. When
 * `separateMembers` is set, operations on `members` become membership changes instead. Throws a
 * ScimError naming the operation; the stored resource is untouched either way.
 */
export function applyPatch(
  reader: ResourceReader,
  stored: JsonObject,
  operations: readonly PatchOperation[],
  separateMembers: boolean,
): PatchOutcome {
  const patcher = new Patcher(reader, structuredClone(stored), separateMembers);
  for (const operation of operations) {
    try {
      patcher.apply(operation);
    } catch (error) {
      throw withLabel(error, operation.label);
    }
  }
  return { resource: patcher.resource, memberChanges: patcher.memberChanges };
}

class Patcher {
  readonly memberChanges: MemberChange[] = [];

  constructor(
    private readonly reader: ResourceReader,
    readonly resource: JsonObject,
    private readonly separateMembers: boolean,
  ) {}

  apply(operation: PatchOperation): void {
    if (operation.path) {
      this.applyAt(operation.op, operation.path, operation.value, true);
      return;
    }

    // A path-less value's keys are paths themselves: `name.givenName`, URN-qualified names, or
    // an extension URN whose object contains that extension's attributes.
    for (const [key, value] of Object.entries(operation.value as JsonObject)) {
      if (key.toLowerCase() === 'schemas') continue;

      const extension = findResourceSchema(this.reader.resourceType, key);
      if (extension && extension !== this.reader.resourceType.schema && isObject(value)) {
        for (const [name, item] of Object.entries(value)) {
          this.applyKey(operation.op, `${extension.id}:${name}`, item, operation.label);
        }
        continue;
      }
      this.applyKey(operation.op, key, value, operation.label);
    }
  }

  private applyKey(op: PatchOpName, key: string, value: unknown, label: string): void {
    const path = parsePatchPath(this.reader.resourceType, key, label);
    if (!path) {
      this.reader.unknown(key);
      return;
    }

    // Okta repeats `id` and other read-only attributes in path-less values; they are ignored.
    if (isReadOnly(path)) return;
    this.applyAt(op, path, value, false);
  }

  private applyAt(op: PatchOpName, path: PatchPath, value: unknown, explicit: boolean): void {
    if (explicit && isReadOnly(path)) {
      throw ScimError.of('mutability', `${path.text} is read-only`);
    }
    if (this.separateMembers && path.isCore && path.definition.name === 'members') {
      this.memberChanges.push(memberChange(this.reader, op, path, value));
      return;
    }

    const container = this.container(path, op !== 'remove');
    if (!container) {
      if (path.filter) throw noTarget(path);
      return;
    }

    if (path.filter) this.applyFiltered(op, path, container, value);
    else if (path.subAttribute) this.applySubAttribute(op, path, container, value);
    else this.applyAttribute(op, path.definition, container, value);

    if (!path.isCore && Object.keys(container).length === 0) delete this.resource[path.schema.id];
  }

  private applyAttribute(
    op: PatchOpName,
    definition: AttributeDefinition,
    container: JsonObject,
    value: unknown,
  ): void {
    const { name } = definition;

    if (op === 'remove') {
      // `remove` with a value list on a multi-valued attribute removes only the listed values.
      if (definition.multiValued && value !== undefined && value !== null) {
        const listed = Array.isArray(value) ? value : [value];
        const kept = asList(container[name]).filter(
          (item) => !listed.some((entry) => containsAll(item, entry)),
        );
        setOrDelete(container, name, kept);
        return;
      }
      delete container[name];
      return;
    }

    if (!definition.multiValued) {
      const read = this.reader.readAttribute(definition, value, name);
      // RFC 7644 §3.5.2.3: replacing a complex attribute keeps sub-attributes the value omits.
      const merged =
        definition.type === 'complex' && isObject(read) && isObject(container[name])
          ? { ...(container[name] as JsonObject), ...read }
          : read;
      setOrDelete(container, name, merged);
      return;
    }

    const items = asList(this.reader.readAttribute(definition, asArray(value), name));
    if (op === 'replace') {
      setOrDelete(container, name, items);
      return;
    }

    const existing = asList(container[name]);
    const added = items.filter((item) => !existing.some((old) => sameValue(old, item)));
    setOrDelete(container, name, keepOnePrimary([...existing, ...added], added));
  }

  private applySubAttribute(
    op: PatchOpName,
    path: PatchPath,
    container: JsonObject,
    value: unknown,
  ): void {
    const { definition } = path;
    const sub = path.subAttribute!;
    const read =
      op === 'remove' ? undefined : this.reader.readAttribute(sub, value, `${path.text}`);

    const update = (item: JsonObject): JsonObject => {
      const next = { ...item };
      if (read === undefined) delete next[sub.name];
      else next[sub.name] = read;
      return next;
    };

    if (!definition.multiValued) {
      const current = isObject(container[definition.name]) ? container[definition.name] : {};
      const next = update(current as JsonObject);
      setOrDelete(container, definition.name, Object.keys(next).length > 0 ? next : undefined);
      return;
    }

    // Without a filter, a sub-attribute path on a multi-valued attribute targets every value.
    const items = asList(container[definition.name]).map((item) => update(item as JsonObject));
    setOrDelete(container, definition.name, items);
  }

  private applyFiltered(op: PatchOpName, path: PatchPath, container: JsonObject, value: unknown) {
    const { definition, filter } = path;
    if (op !== 'remove' && !path.subAttribute && !isObject(value)) {
      throw ScimError.of('invalidValue', `${path.text} needs an object value`);
    }
    const items = asList(container[definition.name]) as JsonObject[];
    const matches = items.filter((item) => matchesValueFilter(filter!, item));

    if (matches.length === 0) {
      // Entra ID adds `emails[type eq "work"].value` to a user without a work email and expects
      // the element to be created from the filter's equalities.
      const pinned = op === 'remove' ? undefined : plainEqualities(filter!);
      if (!pinned) throw noTarget(path);
      const created = path.subAttribute
        ? { ...pinned, [path.subAttribute.name]: value }
        : { ...pinned, ...(value as JsonObject) };
      const element = this.reader.readSingle(definition, created, path.text) as JsonObject;
      setOrDelete(container, definition.name, keepOnePrimary([...items, element], [element]));
      return;
    }

    const sub = path.subAttribute;
    const read = (raw: unknown) =>
      sub
        ? this.reader.readAttribute(sub, raw, path.text)
        : (this.reader.readSingle(definition, raw, path.text) as JsonObject | undefined);
    const replacement = op === 'remove' ? undefined : read(value);

    const touched: JsonObject[] = [];
    const next = items.flatMap((item) => {
      if (!matches.includes(item)) return [item];
      if (op === 'remove' && !sub) return [];

      let updated: JsonObject;
      if (sub) {
        updated = { ...item };
        if (replacement === undefined) delete updated[sub.name];
        else updated[sub.name] = replacement;
      } else {
        const given = (replacement ?? {}) as JsonObject;
        updated = op === 'add' ? { ...item, ...given } : given;
      }
      touched.push(updated);
      return [updated];
    });
    setOrDelete(container, definition.name, keepOnePrimary(next, touched));
  }

  private container(path: PatchPath, create: boolean): JsonObject | undefined {
    if (path.isCore) return this.resource;

    const existing = this.resource[path.schema.id];
    if (isObject(existing)) return existing;
    if (!create) return undefined;

    const created: JsonObject = {};
    this.resource[path.schema.id] = created;
    return created;
  }
}

function memberChange(
  reader: ResourceReader,
  op: PatchOpName,
  path: PatchPath,
  value: unknown,
): MemberChange {
  if (path.subAttribute) {
    throw ScimError.of('invalidPath', `${path.text}: members can only be changed as a whole`);
  }
  if (path.filter) {
    if (op !== 'remove') {
      throw ScimError.of('invalidPath', `${path.text}: a members filter works with remove only`);
    }
    return { kind: 'removeMatching', filter: path.filter, label: path.text };
  }

  if (op === 'remove') {
    if (value === undefined || value === null) return { kind: 'removeAll' };
    return { kind: 'remove', ids: readMemberInputs(reader, value).map((member) => member.value) };
  }
  return { kind: op, members: readMemberInputs(reader, value) };
}

/** RFC 7644 §3.5.2: a value set primary makes every other value of the attribute non-primary. */
function keepOnePrimary(items: unknown[], changed: unknown[]): unknown[] {
  const primary = changed.find((item) => isObject(item) && item.primary === true);
  if (!primary) return items;
  return items.map((item) =>
    item !== primary && isObject(item) && item.primary === true
      ? { ...item, primary: false }
      : item,
  );
}

function isReadOnly(path: PatchPath): boolean {
  return path.definition.mutability === 'readOnly' || path.subAttribute?.mutability === 'readOnly';
}

function noTarget(path: PatchPath): ScimError {
  return ScimError.of('noTarget', `the filter of ${path.text} matches no value`);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asArray(value: unknown): unknown {
  return Array.isArray(value) || value === null ? value : [value];
}

function setOrDelete(container: JsonObject, name: string, value: unknown): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete container[name];
  else container[name] = value;
}

/** Checks that every field given in `entry` has the same value in `item`. */
function containsAll(item: unknown, entry: unknown): boolean {
  if (!isObject(entry) || !isObject(item)) return sameValue(item, entry);
  return Object.entries(entry).every(([key, value]) => {
    const actual = Object.entries(item).find(([name]) => name.toLowerCase() === key.toLowerCase());
    return actual !== undefined && sameValue(actual[1], value);
  });
}

/** Deep equality of JSON values, ignoring the order of object keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
  }
  return false;
}

function withLabel(error: unknown, label: string): unknown {
  if (!(error instanceof ScimError) || error.detail.startsWith(label)) return error;
  const detail = `${label}: ${error.detail}`;
  return error.scimType
    ? ScimError.of(error.scimType, detail)
    : ScimError.withStatus(error.status, detail);
}
