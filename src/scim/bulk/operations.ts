import type { Storage } from '../../storage/database.js';
import { createGroup, deleteGroup, patchGroup, replaceGroup } from '../resources/groups.js';
import type { ResourceWriteServices } from '../resources/services.js';
import type { WriteConditions } from '../resources/store.js';
import { createUser, deleteUser, patchUser, replaceUser } from '../resources/users.js';
import {
  groupResourceType,
  type ResourceTypeDefinition,
  userResourceType,
} from '../schema/resource-types.js';
import type { ResourceReader } from '../schema/validate.js';
import type { BulkEndpoint, OperationRequest } from './request.js';

/** The services a Bulk operation can call on one resource endpoint. */
interface EndpointServices extends ResourceWriteServices {
  /** Lower-case resource name for audit actions, such as `user` in `scim.user.create`. */
  readonly auditName: string;
}

export const ENDPOINT_SERVICES: Record<BulkEndpoint, EndpointServices> = {
  '/Users': {
    resourceType: userResourceType,
    auditName: 'user',
    create: createUser,
    replace: replaceUser,
    patch: patchUser,
    remove: deleteUser,
  },
  '/Groups': {
    resourceType: groupResourceType,
    auditName: 'group',
    create: createGroup,
    replace: replaceGroup,
    patch: patchGroup,
    remove: deleteGroup,
  },
};

/** Audit operation names of the Bulk methods, as single requests record them. */
export const AUDIT_OPERATIONS = {
  POST: 'create',
  PUT: 'replace',
  PATCH: 'patch',
  DELETE: 'delete',
} as const;

/** The outcome of an operation that succeeded. */
export interface OperationSuccess {
  readonly id: string;
  /** HTTP status: 201 for POST, 200 for PUT and PATCH, 204 for DELETE. */
  readonly status: 200 | 201 | 204;
  /** Resource version after the write; undefined after DELETE. */
  readonly version: number | undefined;
}

/**
 * Runs one operation whose references are resolved, through the service the single request
 * uses. Each service call is one transaction, so an operation that throws or is cut
 * short by a crash leaves nothing behind. Throws the ScimError of a failed operation.
 */
export async function runOperation(
  storage: Storage,
  directoryId: string,
  request: OperationRequest,
  version: string | undefined,
  readerFor: (resourceType: ResourceTypeDefinition) => ResourceReader,
): Promise<OperationSuccess> {
  const services = ENDPOINT_SERVICES[request.endpoint];
  const conditions: WriteConditions = { ifMatch: version };
  const reader = () => readerFor(services.resourceType);
  const id = request.id as string;

  switch (request.method) {
    case 'POST': {
      const record = await services.create(storage, directoryId, reader(), request.data);
      return { id: record.id, status: 201, version: record.version };
    }
    case 'PUT':
    case 'PATCH': {
      const write = request.method === 'PUT' ? services.replace : services.patch;
      const record = await write(storage, directoryId, id, reader(), request.data, conditions);
      return { id, status: 200, version: record.version };
    }
    case 'DELETE':
      await services.remove(storage, directoryId, id, conditions);
      return { id, status: 204, version: undefined };
  }
}
