import type { FastifyRequest } from 'fastify';
import { setRequestActor } from '../server/request-context.js';
import { authenticateClient } from './client-auth/index.js';
import { InvalidRequestError, RateLimitedError, UnsupportedGrantTypeError } from './errors.js';
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
  setRequestActor(request, {
    type: 'client',
    id: client.client.clientId,
    orgId: client.client.orgId,
    serviceAccountId: client.serviceAccount.id,
  });

  // Counted after authentication, so that forged credentials never count against a real client.
  const limit = services.context.config.oauth.tokenRatePerClient;
  const retryAfter = services.rateLimiter.take(`client:${client.client.clientId}`, limit);
  if (retryAfter !== undefined) {
    throw new RateLimitedError(
      `too many token requests for this client; at most ${limit} per minute`,
      retryAfter,
      { clientId: client.client.clientId },
    );
  }

  return grant.handle(params, client, services);
}
