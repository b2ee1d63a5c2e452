import type { FastifyRequest } from 'fastify';
import { findClientByClientId } from '../directory/clients.js';
import { NotFoundError } from '../directory/errors.js';
import { getServiceAccount } from '../directory/service-accounts.js';
import {
  type AccessTokenClaims,
  accessTokenAudience,
  InvalidAccessTokenError,
} from './access-token.js';
import { authenticateClient } from './client-auth/index.js';
import { InvalidRequestError } from './errors.js';
import { readTokenParams, type TokenParams } from './token-params.js';
import type { TokenServices } from './token-services.js';

/** An RFC 7662 §2.2 introspection response. */
export type IntrospectionResponse =
  | { active: false }
  | ({ active: true } & Record<string, unknown>);

const INACTIVE = { active: false } as const;

/**
 * Handles an introspection request (RFC 7662 §2.1) of an authenticated client. A client sees only
 * its own tokens: another client's token, a revoked, expired or foreign one, and one whose client
 * or service account is gone or disabled, are all `active: false`, so that the response reveals
 * nothing about tokens the caller does not hold. `token_type_hint` is ignored, because access
 * tokens are the only tokens this server issues (RFC 7662 §2.1 allows that).
 */
export async function handleIntrospection(
  request: FastifyRequest,
  services: TokenServices,
): Promise<IntrospectionResponse> {
  const params = readTokenParams(request.headers['content-type'], request.body);
  const token = requireToken(params);
  const caller = await authenticateClient(
    { params, authorization: request.headers.authorization },
    services,
  );

  const claims = await liveClaims(token, services);
  if (!claims || claims.clientId !== caller.client.clientId) return INACTIVE;

  const issuer = services.context.config.publicUrl;
  return {
    active: true,
    scope: claims.scopes.join(' '),
    client_id: claims.clientId,
    sub: claims.clientId,
    token_type: 'Bearer',
    exp: claims.expiresAt,
    ...(claims.issuedAt === undefined ? {} : { iat: claims.issuedAt }),
    iss: issuer,
    aud: accessTokenAudience(issuer),
    jti: claims.jti,
  };
}

/** Reads the required `token` parameter of introspection and revocation requests. */
export function requireToken(params: TokenParams): string {
  const token = params.get('token');
  if (token === undefined) throw new InvalidRequestError('token is missing');
  return token;
}

/**
 * Verifies a token and checks that its client still exists for the same service account and
 * that the account is enabled: the rules the SCIM API applies before looking at the directory.
 */
async function liveClaims(
  token: string,
  services: TokenServices,
): Promise<AccessTokenClaims | undefined> {
  const { accessTokens, storage } = services.context;

  // verify() also refuses revoked tokens.
  let claims: AccessTokenClaims;
  try {
    claims = await accessTokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) return undefined;
    throw error;
  }

  const client = await findClientByClientId(storage, claims.clientId);
  if (!client || client.serviceAccountId !== claims.serviceAccountId) return undefined;

  const account = await getServiceAccount(storage, client.orgId, client.serviceAccountId).catch(
    (error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    },
  );
  if (!account || account.disabled) return undefined;
  return claims;
}
