import type { FastifyRequest } from 'fastify';
import { isApiToken, verifyApiToken } from '../directory/api-tokens.js';
import { getDirectory } from '../directory/directories.js';
import { readDirectoryAccess } from '../directory/directory-access.js';
import type { GrantRole } from '../directory/grants.js';
import type { DirectoryReadOptions } from '../directory/scim-options.js';
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

const readOptions = new WeakMap<FastifyRequest, DirectoryReadOptions>();

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
    const directoryId = request.params.directoryId;
    const granted = await readDirectoryAccess(context.storage, {
      clientId: claims.clientId,
      orgId: claims.orgId,
      serviceAccountId: claims.serviceAccountId,
      directoryId: isStorableText(directoryId) ? directoryId : undefined,
    });
    // A token stays valid after its client is deleted or its account disabled. Both are read on
    // every request so that such a change takes effect at once.
    if (granted.kind === 'client-gone') {
      throw invalidToken('the client of the access token no longer exists');
    }
    if (granted.kind === 'account-disabled') {
      throw invalidToken('the service account of the access token is disabled or deleted');
    }

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

    // An unknown directory, another organization's directory and a missing grant all raise the
    // same 403, so that the response reveals nothing about directories the caller may not see.
    if (granted.kind === 'no-grant') {
      throw forbidden('the service account has no grant on this directory');
    }
    if (granted.kind === 'stopped') {
      throw forbidden('an admin has stopped provisioning into this directory');
    }
    if (!ALLOWED_ROLES[access].includes(granted.role)) {
      throw forbidden(
        `${access} requests need a grant with role ${ALLOWED_ROLES[access].join(' or ')}; the grant on this directory has role ${granted.role}`,
      );
    }
    readOptions.set(request, granted.options);
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

/** Verifies the token's signature, lifetime and revocation; throws 401 on failure. */
async function authenticate(
  context: AppContext,
  header: string | undefined,
): Promise<AccessTokenClaims> {
  const token = readBearerToken(header);
  try {
    return await context.accessTokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) throw invalidToken(error.description);
    throw error;
  }
}

/**
 * Read options of the request's directory, read with its grant; undefined when the request
 * came with a directory API token.
 */
export function authorizedReadOptions(request: FastifyRequest): DirectoryReadOptions | undefined {
  return readOptions.get(request);
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
