import type { FastifyInstance } from 'fastify';
import { scimBaseUrl } from '../../directory/directories.js';
import { TOKEN_PATH } from '../../oauth/paths.js';
import type { AppContext } from '../../server/context.js';
import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD_SIZE } from '../bulk/limits.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../list-query.js';
import { rejectFilter } from './discovery.js';

const SERVICE_PROVIDER_CONFIG_SCHEMA =
  'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/**
 * Registers `/ServiceProviderConfig` (RFC 7643 §5). It marks as supported only what this server
 * implements: PATCH, Bulk, filtering (the full filter language), sorting, ETags, and index and
 * cursor pagination.
 */
export function registerServiceProviderConfigRoute(app: FastifyInstance, context: AppContext) {
  app.get<{ Params: { directoryId: string }; Querystring: Record<string, unknown> }>(
    '/ServiceProviderConfig',
    { config: { scimAccess: 'read' } },
    async (request) => {
      rejectFilter(request.query, 'ServiceProviderConfig');

      const location = `${scimBaseUrl(context.config.publicUrl, request.params.directoryId)}/ServiceProviderConfig`;
      return {
        schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
        patch: { supported: true },
        bulk: {
          supported: true,
          maxOperations: BULK_MAX_OPERATIONS,
          maxPayloadSize: BULK_MAX_PAYLOAD_SIZE,
        },
        filter: { supported: true, maxResults: MAX_PAGE_SIZE },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        // RFC 9865: index paging stays the default for existing clients. Cursors do not expire,
        // so there is no cursorTimeout.
        pagination: {
          cursor: true,
          index: true,
          defaultPaginationMethod: 'index',
          defaultPageSize: DEFAULT_PAGE_SIZE,
          maxPageSize: MAX_PAGE_SIZE,
        },
        authenticationSchemes: [
          {
            type: 'oauthbearertoken',
            name: 'OAuth Bearer Token',
            description: `An access token from ${context.config.publicUrl}${TOKEN_PATH} (client_credentials grant with private_key_jwt), sent as Authorization: Bearer.`,
            specUri: 'https://www.rfc-editor.org/info/rfc6750',
            primary: true,
          },
        ],
        meta: { resourceType: 'ServiceProviderConfig', location },
      };
    },
  );
}
