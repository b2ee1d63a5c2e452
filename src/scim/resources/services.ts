import type { Storage } from '../../storage/database.js';
import type { ResourceTypeDefinition } from '../schema/resource-types.js';
import type { ResourceReader } from '../schema/validate.js';
import type { ResourceRecord, WriteConditions } from './store.js';

/** A PUT or PATCH of one resource: the body is read with the directory's reader. */
export type ResourceWrite = (
  storage: Storage,
  directoryId: string,
  id: string,
  reader: ResourceReader,
  body: unknown,
  conditions: WriteConditions,
) => Promise<ResourceRecord>;

/** The write services of one resource type, which both the HTTP routes and Bulk call. */
export interface ResourceWriteServices {
  readonly resourceType: ResourceTypeDefinition;
  create(
    storage: Storage,
    directoryId: string,
    reader: ResourceReader,
    body: unknown,
  ): Promise<ResourceRecord>;
  replace: ResourceWrite;
  patch: ResourceWrite;
  remove(
    storage: Storage,
    directoryId: string,
    id: string,
    conditions: WriteConditions,
  ): Promise<void>;
}
