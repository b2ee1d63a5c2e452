import type { FastifyRequest } from 'fastify';
import { scimBaseUrl } from '../../directory/directories.js';
import { getDirectoryReadOptions } from '../../directory/scim-options.js';
import type { AppContext } from '../../server/context.js';
import { authorizedReadOptions } from '../auth.js';
import type { WriteConditions } from '../resources/store.js';
import type { ResourceTypeDefinition } from '../schema/resource-types.js';
import { ResourceReader } from '../schema/validate.js';

export type QueryParameters = Record<string, string | string[] | undefined>;

/** Route shape shared by `/Users/{id}` and `/Groups/{id}`. */
export interface ResourceRoute {
  Params: { directoryId: string; id: string };
  Querystring: QueryParameters;
}

/**
 * Builds a reader with the directory's options (strict or lenient) for one request. The options
 * come with the grant checked before the route; a directory API token reads them here.
 */
export async function readerFor(
  context: AppContext,
  request: FastifyRequest,
  directoryId: string,
  resourceType: ResourceTypeDefinition,
): Promise<ResourceReader> {
  const options =
    authorizedReadOptions(request) ?? (await getDirectoryReadOptions(context.storage, directoryId));
  return new ResourceReader(resourceType, options);
}

/** Logs at debug level what a lenient directory ignored, so that mapping mistakes can be found. */
export function logIgnored(request: FastifyRequest, reader: ResourceReader): void {
  if (reader.ignored.length === 0) return;
  request.log.debug(
    { ignored: reader.ignored, resourceType: reader.resourceType.name },
    'SCIM input ignored',
  );
}

/** Reads the preconditions of a write request. */
export function writeConditions(request: FastifyRequest): WriteConditions {
  const header = request.headers['if-match'];
  return { ifMatch: Array.isArray(header) ? header.join(',') : header };
}

/** URL of a resource; the public URL follows the port bound after listen, so read it per request. */
export function resourceUrl(
  context: AppContext,
  directoryId: string,
  endpoint: '/Users' | '/Groups',
  id: string,
): string {
  return `${scimBaseUrl(context.config.publicUrl, directoryId)}${endpoint}/${id}`;
}
