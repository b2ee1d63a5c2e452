import type { Storage } from '../../storage/database.js';
import type { ListQuery } from '../list-query.js';
import { applyPatch } from '../patch/apply.js';
import { readPatchRequest } from '../patch/operations.js';
import { userResourceType } from '../schema/resource-types.js';
import type { Projection } from '../schema/shape.js';
import type { ResourceReader } from '../schema/validate.js';
import { writeEmailKeys } from './email-keys.js';
import type { UserGroup } from './memberships.js';
import { hashPassword } from './password.js';
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

export type UserRecord = ResourceRecord;

/**
 * Users live in `scim_users`. `userName` is case-insensitive (RFC 7643 §4.1), so its key column
 * stores the lower-cased value under a unique index; `id` and `externalId` are case-exact.
 */
export const userStore: ResourceStore = {
  table: 'scim_users',
  resourceType: { ...userResourceType, name: 'User' },
  filterColumns: {
    scalars: {
      id: { column: 'id', lowerCased: false },
      externalId: { column: 'external_id', lowerCased: false },
      userName: { column: 'user_name_key', lowerCased: true },
      displayName: { column: 'display_name', lowerCased: false },
      active: { column: 'active', lowerCased: false },
      'meta.created': { column: 'created_at', lowerCased: false },
      'meta.lastModified': { column: 'updated_at', lowerCased: false },
    },
    elements: {
      emails: {
        table: 'scim_user_emails',
        ownerColumn: 'user_id',
        columns: { value: { column: 'value_key', lowerCased: true } },
        inJson: true,
      },
    },
  },
  uniqueAttribute: 'userName',
  columns: (attributes) => {
    const userName = attributes.userName as string;
    return {
      user_name: userName,
      user_name_key: userName.toLowerCase(),
      external_id: typeof attributes.externalId === 'string' ? attributes.externalId : null,
      display_name: typeof attributes.displayName === 'string' ? attributes.displayName : null,
      active: attributes.active === false ? 0 : 1,
    };
  },
};

/**
 * Creates a user from a SCIM request body. Throws a ScimError: 400 for an invalid body, 409
 * `uniqueness` when the directory already has the userName in any letter case.
 */
export async function createUser(
  storage: Storage,
  directoryId: string,
  reader: ResourceReader,
  body: unknown,
): Promise<UserRecord> {
  const attributes = await readUser(reader, body);
  return insertResource(storage, userStore, directoryId, attributes, (trx, id) =>
    writeEmailKeys(trx, directoryId, id, attributes),
  );
}

/**
 * Replaces a user (RFC 7644 §3.5.1): attributes the body omits are cleared, except `password`,
 * which stays unless the body sets it. A body `id` other than the URL's is 400.
 */
export async function replaceUser(
  storage: Storage,
  directoryId: string,
  id: string,
  reader: ResourceReader,
  body: unknown,
  conditions: WriteConditions,
): Promise<UserRecord> {
  checkBodyId(body, id);
  const next = await readUser(reader, body);

  return updateResource(storage, userStore, directoryId, id, conditions, async (current, trx) => {
    if (next.password === undefined && current.password !== undefined) {
      next.password = current.password;
    }
    await writeEmailKeys(trx, directoryId, id, next, current);
    return { attributes: next, changedRows: false };
  });
}

/** Applies a PatchOp request (RFC 7644 §3.5.2) to a user in one transaction. */
export async function patchUser(
  storage: Storage,
  directoryId: string,
  id: string,
  reader: ResourceReader,
  body: unknown,
  conditions: WriteConditions,
): Promise<UserRecord> {
  const operations = readPatchRequest(reader, body);
  const removesPassword = operations.some(
    (operation) => operation.op === 'remove' && operation.path?.definition.name === 'password',
  );

  return updateResource(storage, userStore, directoryId, id, conditions, async (current, trx) => {
    // The stored hash stays out of the patch, so that a `password` the patch sets is plain text.
    const { password, ...stored } = current;
    const { resource } = applyPatch(reader, stored, operations, false);
    const next = await readUser(reader, resource, 'after applying the operations: ');

    if (next.password === undefined && password !== undefined && !removesPassword) {
      next.password = password;
    }
    await writeEmailKeys(trx, directoryId, id, next, current);
    return { attributes: next, changedRows: false };
  });
}

/** Deletes a user and its memberships; 404 when it does not exist. */
export function deleteUser(
  storage: Storage,
  directoryId: string,
  id: string,
  conditions: WriteConditions,
): Promise<void> {
  return deleteResource(storage, userStore, directoryId, id, conditions);
}

/** Reads a user of the directory; throws a 404 ScimError for an unknown id or another directory's. */
export function getUser(storage: Storage, directoryId: string, id: string): Promise<UserRecord> {
  return getResource(storage, userStore, directoryId, id);
}

/** Lists a page of the directory's users matching the query's filter. */
export async function listUsers(
  storage: Storage,
  directoryId: string,
  query: ListQuery,
): Promise<{ totalResults: number; users: UserRecord[] }> {
  const { totalResults, records } = await listResources(storage, userStore, directoryId, query);
  return { totalResults, users: records };
}

/**
 * Builds the SCIM representation of a user, shaped by the request's projection; `location` is
 * the user's URL and `groups` the derived memberships, when loaded.
 */
export function toUserResource(
  record: UserRecord,
  location: string,
  projection: Projection,
  groups: (UserGroup & { $ref: string })[] | undefined,
): JsonObject {
  const derived = groups && groups.length > 0 ? { groups } : {};
  return toScimResource(userResourceType, record, location, projection, derived);
}

/**
 * Validates a whole user; `active` defaults to true (RFC 7643 §4.1 leaves it open) and a
 * `password` is hashed.
 */
async function readUser(reader: ResourceReader, body: unknown, context = ''): Promise<JsonObject> {
  const { schemas, values } = readWhole(reader, body, context);
  const attributes: JsonObject = { schemas, ...values, active: values.active ?? true };
  if (typeof attributes.password === 'string') {
    attributes.password = await hashPassword(attributes.password);
  }
  return attributes;
}
