import type { Storage } from '../../storage/database.js';
import type { ListQuery } from '../list-query.js';
import { applyPatch, type MemberChange } from '../patch/apply.js';
import { readMemberInputs } from '../patch/members.js';
import { readPatchRequest } from '../patch/operations.js';
import { groupResourceType } from '../schema/resource-types.js';
import type { Projection } from '../schema/shape.js';
import type { ResourceReader } from '../schema/validate.js';
import { applyMemberChanges, type GroupMember } from './memberships.js';
import {
  checkBodyId,
  deleteResource,
  getResource,
  insertResource,
  listResources,
  type ResourceRecord,
  type ResourceStore,
  readWhole,
  toScimResource,
  updateResource,
  type WriteConditions,
} from './store.js';

type JsonObject = Record<string, unknown>;

/** A stored group; its members live in `scim_group_members`, one row each. */
export type GroupRecord = ResourceRecord;

/** Groups live in `scim_groups`; displayName is unique per directory, case-insensitively. */
export const groupStore: ResourceStore = {
  table: 'scim_groups',
  resourceType: { ...groupResourceType, name: 'Group' },
  filterColumns: {
    id: { column: 'id', lowerCased: false },
    externalId: { column: 'external_id', lowerCased: false },
    displayName: { column: 'display_name_key', lowerCased: true },
  },
  uniqueAttribute: 'displayName',
  columns: (attributes) => {
    const displayName = attributes.displayName as string;
    return {
      display_name: displayName,
      display_name_key: displayName.toLowerCase(),
      external_id: typeof attributes.externalId === 'string' ? attributes.externalId : null,
    };
  },
};

/** Creates a group with its members in one transaction; 409 `uniqueness` for a taken displayName. */
export async function createGroup(
  storage: Storage,
  directoryId: string,
  reader: ResourceReader,
  body: unknown,
): Promise<GroupRecord> {
  const { attributes, members } = readGroup(reader, body);
  return insertResource(storage, groupStore, directoryId, attributes, (trx, id) =>
    applyMemberChanges(trx, directoryId, id, members),
  );
}

/** Replaces a group and its whole membership (RFC 7644 §3.5.1); omitted members are removed. */
export async function replaceGroup(
  storage: Storage,
  directoryId: string,
  id: string,
  reader: ResourceReader,
  body: unknown,
  conditions: WriteConditions,
): Promise<GroupRecord> {
  checkBodyId(body, id);
  const { attributes, members } = readGroup(reader, body);
  const changes: MemberChange[] = members.length > 0 ? members : [{ kind: 'removeAll' }];

  return updateResource(storage, groupStore, directoryId, id, conditions, async (_, trx) => ({
    attributes,
    changedRows: await applyMemberChanges(trx, directoryId, id, changes),
  }));
}

/**
 * Applies a PatchOp request to a group in one transaction. Membership operations change only the
 * member rows they name; a path-less `replace` without `members` leaves membership alone.
 */
export async function patchGroup(
  storage: Storage,
  directoryId: string,
  id: string,
  reader: ResourceReader,
  body: unknown,
  conditions: WriteConditions,
): Promise<GroupRecord> {
  const operations = readPatchRequest(reader, body);

  return updateResource(storage, groupStore, directoryId, id, conditions, async (current, trx) => {
    const { resource, memberChanges } = applyPatch(reader, current, operations, true);
    const { attributes } = readGroup(reader, resource, 'after applying the operations: ');
    return {
      attributes,
      changedRows: await applyMemberChanges(trx, directoryId, id, memberChanges),
    };
  });
}

/** Deletes a group, its memberships and its place in other groups. */
export function deleteGroup(
  storage: Storage,
  directoryId: string,
  id: string,
  conditions: WriteConditions,
): Promise<void> {
  return deleteResource(storage, groupStore, directoryId, id, conditions);
}

export function getGroup(storage: Storage, directoryId: string, id: string): Promise<GroupRecord> {
  return getResource(storage, groupStore, directoryId, id);
}

/** Lists a page of the directory's groups matching the filter. */
export async function listGroups(
  storage: Storage,
  directoryId: string,
  query: ListQuery,
): Promise<{ totalResults: number; groups: GroupRecord[] }> {
  const { totalResults, records } = await listResources(storage, groupStore, directoryId, query);
  return { totalResults, groups: records };
}

/** Builds the SCIM representation of a group; `members` are given only when they were loaded. */
export function toGroupResource(
  record: GroupRecord,
  location: string,
  projection: Projection,
  members: (GroupMember & { $ref: string })[] | undefined,
): JsonObject {
  const derived = members && members.length > 0 ? { members } : {};
  return toScimResource(groupResourceType, record, location, projection, derived);
}

/** Validates a whole group, splitting `members` off for the membership table. */
function readGroup(
  reader: ResourceReader,
  body: unknown,
  context = '',
): { attributes: JsonObject; members: MemberChange[] } {
  const { schemas, values } = readWhole(reader, body, context);
  const { members, ...rest } = values;
  const inputs = members === undefined ? [] : readMemberInputs(reader, members);
  return {
    attributes: { schemas, ...rest },
    members: inputs.length > 0 ? [{ kind: 'replace', members: inputs }] : [],
  };
}
