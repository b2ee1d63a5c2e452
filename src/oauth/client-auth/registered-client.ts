import { type ClientAuth, getClientAuth } from '../../directory/client-auth.js';
import { findClientByClientId } from '../../directory/clients.js';
import { NotFoundError } from '../../directory/errors.js';
import { getServiceAccount } from '../../directory/service-accounts.js';
import { InvalidClientError } from '../errors.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';
import { hasControlCharacters } from './assertion-claims.js';

/** Length of the `client_id` column. */
const MAX_CLIENT_ID_LENGTH = 100;

/** A client about to authenticate: its record, its service account and its registered method. */
export interface RegisteredClient extends Omit<AuthenticatedClient, 'method'> {
  auth: ClientAuth;
}

/**
 * Finds a client whose service account exists and is enabled, and checks that the client is
 * registered for `method`: a client has exactly one way to authenticate.
 */
export async function findRegisteredClient(
  clientId: string,
  method: string,
  services: TokenServices,
): Promise<RegisteredClient> {
  const { storage } = services.context;

  // No client id is this long or contains control characters, and PostgreSQL rejects NUL in text.
  const plausible = clientId.length <= MAX_CLIENT_ID_LENGTH && !hasControlCharacters(clientId);
  const client = plausible ? await findClientByClientId(storage, clientId) : undefined;
  if (!client) throw new InvalidClientError('unknown client', { clientId: clientId.slice(0, 100) });

  const serviceAccount = await getServiceAccount(
    storage,
    client.orgId,
    client.serviceAccountId,
  ).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!serviceAccount) {
    throw new InvalidClientError('the service account of this client was deleted', { clientId });
  }
  if (serviceAccount.disabled) {
    throw new InvalidClientError('the service account of this client is disabled', { clientId });
  }

  const auth = await getClientAuth(storage, clientId);
  if (auth.disabled) throw new InvalidClientError('the client is disabled', { clientId });
  if (auth.method !== method) {
    throw new InvalidClientError(
      `the client is registered for ${auth.method}, not ${method} (token_endpoint_auth_method mismatch)`,
      { clientId },
    );
  }
  return { client, serviceAccount, auth };
}
