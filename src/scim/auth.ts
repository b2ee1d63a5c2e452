import type { FastifyRequest } from 'fastify';
import { isApiToken, verifyApiToken } from '../directory/api-tokens.js';
import { findClientByClientId } from '../directory/clients.js';
import { getDirectory } from '../directory/directories.js';
import { NotFoundError } from '../directory/errors.js';
import { findGrant, type GrantRole } from '../directory/grants.js';
import { getServiceAccount } from '../directory/service-accounts.js';
import { type AccessTokenClaims, InvalidAccessTokenError } from '../oauth/access-token.js';
import type { AppContext } from '../server/context.js';
import { setRequestActor } from '../server/request-context.js';
import { ScimError } from './errors.js';
import { isStorableText } from './text.js';

/** Kind of access a route needs on its directory; `write` needs more scope and role than `read`. */
export type ScimAccess = 'read' | 'write';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Access the route needs; routes that do not say so need `write`. */
    scimAccess?: ScimAccess;
  }
}

const REALM = 'scimd';

/** Scopes and grant roles that allow each access. */
const ALLOWED_SCOPES: Record<ScimAccess, readonly string[]> = {
  read: ['read:directory', 'manage:directory'],
  write: ['manage:directory'],
};
const ALLOWED_ROLES: Record<ScimAccess, readonly GrantRole[]> = {
  read: ['read', 'manage'],
  write: ['manage'],
};

/**
 * Returns an `onRequest` hook that authenticates the bearer token (RFC 6750) and authorizes the
 * request on the directory in the URL. It runs before the body is parsed, so an unauthenticated
 * client never gets its body read. Throws a ScimError: 401 for a missing or invalid token, 403 for
 * a missing scope, grant or role.
 */
export function authorizeScimRequest(context: AppContext) {
  return async (request: FastifyRequest<{ Params: { directoryId: string } }>): Promise<void> => {
    const bearer = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer && isApiToken(bearer)) {
      const access = request.routeOptions.config.scimAccess ?? 'write';
      return authorizeApiToken(context, bearer, request.params.directoryId, access);
    }

    const claims = await authenticate(context, request.headers.authorization);
    setRequestActor(request, {
      type: 'client',
      id: claims.clientId,
      orgId: claims.orgId,
      serviceAccountId: claims.serviceAccountId,
    });
    const access = request.routeOptions.config.scimAccess ?? 'write';

    if (!claims.scopes.some((scope) => ALLOWED_SCOPES[access].includes(scope))) {
      throw forbidden(`${access} requests need the scope ${ALLOWED_SCOPES[access].join(' or ')}`, {
        'www-authenticate': challenge({
          error: 'insufficient_scope',
          error_description: 'the access token lacks the scope this request needs',
          scope: ALLOWED_SCOPES[access].join(' '),
        }),
      });
    }

    const role = await findGrantedRole(context, claims, request.params.directoryId);
    if (!ALLOWED_ROLES[access].includes(role)) {
      throw forbidden(
        `${access} requests need a grant with role ${ALLOWED_ROLES[access].join(' or ')}; the grant on this directory has role ${role}`,
      );
    }
  };
}

/** A directory API token: a fixed bearer secret bound to one directory and one scope. */
async function authorizeApiToken(
  context: AppContext,
  bearer: string,
  directoryId: string,
  access: ScimAccess,
): Promise<void> {
  const token = await verifyApiToken(context.storage, bearer);
  if (!token) throw invalidToken('the API token is invalid, expired or revoked');
  if (token.directoryId !== directoryId) {
    throw forbidden('the API token belongs to another directory');
  }
  if (!ALLOWED_SCOPES[access].includes(token.scope)) {
    throw forbidden(`${access} requests need the scope ${ALLOWED_SCOPES[access].join(' or ')}`);
  }
  const directory = await getDirectory(context.storage, token.orgId, directoryId);
  if (directory.provisioningStopped) {
    throw forbidden('an admin has stopped provisioning into this directory');
  }
}

/** Verifies the token and checks that its client and service account are still live. */
async function authenticate(
  context: AppContext,
  header: string | undefined,
): Promise<AccessTokenClaims> {
  const token = readBearerToken(header);

  let claims: AccessTokenClaims;
  try {
    claims = await context.accessTokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw invalidToken(error.description);
    throw error;
  }

  // A token stays valid after its client is deleted or its account disabled. Both are read on
  // every request so that such a change takes effect at once.
  const client = await findClientByClientId(context.storage, claims.clientId);
  if (
    !client ||
    client.serviceAccountId !== claims.serviceAccountId ||
    client.orgId !== claims.orgId
  ) {
    throw invalidToken('the client of the access token no longer exists');
  }

  const account = await getServiceAccount(
    context.storage,
    client.orgId,
    client.serviceAccountId,
  ).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!account || account.disabled) {
    throw invalidToken('the service account of the access token is disabled or deleted');
  }

  return claims;
}

/**
 * Returns the role of the token's service account on the directory. An unknown directory,
 * another organization's directory and a missing grant all raise the same 403, so that the
 * response reveals nothing about directories the caller may not see.
 */
async function findGrantedRole(
  context: AppContext,
  claims: AccessTokenClaims,
  directoryId: string,
): Promise<GrantRole> {
  const denied = () => forbidden('the service account has no grant on this directory');
  if (!isStorableText(directoryId)) throw denied();

  const directory = await getDirectory(context.storage, claims.orgId, directoryId).catch(
    (error: unknown) => {
      if (error instanceof NotFoundError) throw denied();
      throw error;
    },
  );

  const grant = await findGrant(context.storage, directoryId, claims.serviceAccountId);
  if (!grant || grant.orgId !== claims.orgId) throw denied();
  if (directory.provisioningStopped) {
    throw forbidden('an admin has stopped provisioning into this directory');
  }
  return grant.role;
}

function readBearerToken(header: string | undefined): string {
  // RFC 6750 §3: a request without bearer credentials gets a challenge without an error code.
  if (header === undefined || !/^Bearer(\s|$)/i.test(header)) {
    throw ScimError.withStatus(401, 'the request needs an Authorization: Bearer access token', {
      'www-authenticate': challenge({}),
    });
  }

  const match = header.match(/^Bearer +(\S+) *$/i);
  if (!match?.[1]) throw invalidToken('the Authorization header does not carry one bearer token');
  return match[1];
}

function invalidToken(description: string): ScimError {
  return ScimError.withStatus(401, description, {
    'www-authenticate': challenge({ error: 'invalid_token', error_description: description }),
  });
}

function forbidden(detail: string, headers: Record<string, string> = {}): ScimError {
  return ScimError.withStatus(403, detail, headers);
}

/** Builds a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3); values never contain quotes. */
function challenge(parameters: Record<string, string>): string {
  const fields = [`realm="${REALM}"`, ...Object.entries(parameters).map(([k, v]) => `${k}="${v}"`)];
  return `Bearer ${fields.join(', ')}`;
}
