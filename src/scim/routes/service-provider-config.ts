import type { FastifyInstance } from 'fastify';
import { scimBaseUrl } from '../../directory/directories.js';
import type { AppContext } from '../../server/context.js';
import { ScimError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../list-query.js';

const SERVICE_PROVIDER_CONFIG_SCHEMA =
  'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/**
 * Registers `/ServiceProviderConfig` (RFC 7643 §5). It marks as supported only what this server
 * implements: filtering (`eq` on id, userName and externalId), ETags and index pagination.
 */
export function registerServiceProviderConfigRoute(app: FastifyInstance, context: AppContext) {
  app.get<{ Params: { directoryId: string }; Querystring: Record<string, unknown> }>(
    '/ServiceProviderConfig',
    { config: { scimAccess: 'read' } },
    async (request) => {
      // RFC 7644 §4: discovery endpoints ignore query parameters, and SHOULD reject a filter with 403.
      if (request.query.filter !== undefined) {
        throw ScimError.withStatus(
          403,
          'the ServiceProviderConfig endpoint does not take a filter',
        );
      }

      const location = `${scimBaseUrl(context.config.publicUrl, request.params.directoryId)}/ServiceProviderConfig`;
      return {
        schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
        patch: { supported: false },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: MAX_PAGE_SIZE },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: true },
        // RFC 9865 §4: index-based paging only, no cursors.
        pagination: {
          cursor: false,
          index: true,
          defaultPaginationMethod: 'index',
          defaultPageSize: DEFAULT_PAGE_SIZE,
          maxPageSize: MAX_PAGE_SIZE,
        },
        authenticationSchemes: [
          {
            type: 'oauthbearertoken',
            name: 'OAuth Bearer Token',
            description:
              "An access token from this server's /oauth/token endpoint (client_credentials grant), sent as Authorization: Bearer.",
            specUri: 'https://www.rfc-editor.org/info/rfc6750',
            primary: true,
          },
        ],
        meta: { resourceType: 'ServiceProviderConfig', location },
      };
    },
  );
}
