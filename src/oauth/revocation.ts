import type { FastifyRequest } from 'fastify';
import { InvalidAccessTokenError } from './access-token.js';
import { authenticateClient } from './client-auth/index.js';
import { requireToken } from './introspection.js';
import { readTokenParams } from './token-params.js';
import type { TokenServices } from './token-services.js';

/**
 * Runs a revocation request (RFC 7009 §2.1) of an authenticated client. The response is 200 with
 * an empty body whether or not the token was valid (RFC 7009 §2.2), and also for another client's
 * token, which stays valid, because a different response would confirm to the caller that the token exists.
 * `token_type_hint` is ignored, because access tokens are the only tokens this server issues.
 */
export async function handleRevocation(
  request: FastifyRequest,
  services: TokenServices,
): Promise<void> {
  const params = readTokenParams(request.headers['content-type'], request.body);
  const token = requireToken(params);
  const caller = await authenticateClient(
    { params, authorization: request.headers.authorization },
    services,
  );

  let claims: Awaited<ReturnType<typeof services.context.accessTokens.verify>>;
  try {
    claims = await services.context.accessTokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) {
      request.log.info(
        { clientId: caller.client.clientId },
        'revocation of an invalid token ignored',
      );
      return;
    }
    throw error;
  }

  if (claims.clientId !== caller.client.clientId) {
    request.log.info(
      { clientId: caller.client.clientId, tokenClientId: claims.clientId },
      "revocation of another client's token ignored",
    );
    return;
  }

  await services.revocations.revoke(claims.jti, claims.clientId, claims.expiresAt);
  request.log.info({ clientId: caller.client.clientId, jti: claims.jti }, 'access token revoked');
}
