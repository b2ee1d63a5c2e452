import type { FastifyRequest } from 'fastify';
import { authenticateClient } from './client-auth/index.js';
import { InvalidRequestError, UnsupportedGrantTypeError } from './errors.js';
import type { TokenResponse } from './grants/grant-type.js';
import { GRANT_TYPES } from './grants/index.js';
import { readTokenParams } from './token-params.js';
import type { TokenServices } from './token-services.js';

const SUPPORTED_GRANTS = [...GRANT_TYPES.keys()].join(', ');

/**
 * Runs a token request (RFC 6749 §3.2): reads the parameters, picks the grant type, authenticates
 * the client and lets the grant type issue the token. Every failure is an OAuthError.
 */
export async function handleTokenRequest(
  request: FastifyRequest,
  services: TokenServices,
): Promise<TokenResponse> {
  const params = readTokenParams(request.headers['content-type'], request.body);

  const grantType = params.get('grant_type');
  if (grantType === undefined) {
    throw new InvalidRequestError(`grant_type is missing; use one of: ${SUPPORTED_GRANTS}`);
  }
  const grant = GRANT_TYPES.get(grantType);
  if (!grant) {
    throw new UnsupportedGrantTypeError(
      `grant_type ${JSON.stringify(grantType.slice(0, 100))} is not supported; use one of: ${SUPPORTED_GRANTS}`,
    );
  }

  const client = await authenticateClient(
    { params, authorization: request.headers.authorization },
    services,
  );
  request.log.info(
    { clientId: client.client.clientId, method: client.method, grantType },
    'client authenticated',
  );

  return grant.handle(params, client, services);
}
