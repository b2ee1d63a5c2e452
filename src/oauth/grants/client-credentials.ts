import type { Scope } from '../../directory/clients.js';
import { InvalidScopeError } from '../errors.js';
import type { GrantType } from './grant-type.js';

/**
 * client_credentials (RFC 6749 §4.4): the client gets a token for its own service account, with
 * the requested scopes, or all of its scopes when it requests none (RFC 6749 §3.3).
 */
export const clientCredentials: GrantType = {
  name: 'client_credentials',

  async handle(params, { client, serviceAccount }, { context }) {
    const requested = params.get('scope');
    const scopes =
      requested === undefined ? client.scopes : grantedScopes(requested, client.scopes);

    const accessToken = await context.accessTokens.issue({
      clientId: client.clientId,
      serviceAccountId: serviceAccount.id,
      orgId: client.orgId,
      scopes,
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: context.accessTokens.ttlSeconds,
      scope: scopes.join(' '),
    };
  },
};

/** Checks a space-delimited scope request against the client's scopes; order and repeats do not matter. */
function grantedScopes(requested: string, allowed: readonly Scope[]): Scope[] {
  const granted = new Set<Scope>();

  for (const token of requested.split(' ').filter(Boolean)) {
    const scope = allowed.find((candidate) => candidate === token);
    if (!scope) {
      throw new InvalidScopeError(
        `the scope ${JSON.stringify(token.slice(0, 100))} is not allowed for this client; allowed: ${allowed.join(' ')}`,
      );
    }
    granted.add(scope);
  }

  if (granted.size === 0) return [...allowed];
  return [...granted];
}
