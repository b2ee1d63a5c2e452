import { type ClientAuth, getClientAuth } from '../../directory/client-auth.js';
import { clientChangeGeneration } from '../../directory/client-changes.js';
import { findClientByClientId, type OAuthClient } from '../../directory/clients.js';
import { NotFoundError } from '../../directory/errors.js';
import { getServiceAccount, type ServiceAccount } from '../../directory/service-accounts.js';
import type { Storage } from '../../storage/database.js';
import { InvalidClientError } from '../errors.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';
import { hasControlCharacters } from './assertion-claims.js';

/** Length of the `client_id` column. */
const MAX_CLIENT_ID_LENGTH = 100;

/**
 * Time a client read from the database is reused, in ms. Writes made through this process take
 * effect at once. A key, account or client changed by another process on the same database takes
 * effect here within this time.
 */
export const CLIENT_CACHE_TTL_MS = 1_000;

/** Maximum number of cached clients; the cache is emptied when it is full. */
const MAX_CACHED_CLIENTS = 10_000;

/** A client about to authenticate: its record, its service account and its registered method. */
export interface RegisteredClient extends Omit<AuthenticatedClient, 'method'> {
  auth: ClientAuth;
}

/** The rows of a client as read, before the checks; `serviceAccount` is absent when deleted. */
interface ClientRecord {
  client: OAuthClient;
  serviceAccount: ServiceAccount | undefined;
  auth: ClientAuth;
}

interface CacheEntry {
  record: ClientRecord;
  expiresAt: number;
  generation: number;
}

/**
 * Client records by `client_id`, so that a token request costs no database reads for a client
 * that authenticated within the last second. Unknown clients are never cached, so a new client
 * works at once.
 */
export class RegisteredClientCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly storage: Storage,
    private readonly ttlMs = CLIENT_CACHE_TTL_MS,
  ) {}

  /** Returns the client's rows, from the cache while they are fresh, else from the database. */
  async read(clientId: string): Promise<ClientRecord | undefined> {
    const now = Date.now();
    const generation = clientChangeGeneration();
    const cached = this.entries.get(clientId);
    if (cached && cached.expiresAt > now && cached.generation === generation) {
      return cached.record;
    }

    // The generation is taken before the reads, so a write that lands during them marks the
    // result as stale.
    const record = await readClientRecord(this.storage, clientId);
    if (!record) {
      this.entries.delete(clientId);
      return undefined;
    }

    if (this.entries.size >= MAX_CACHED_CLIENTS) this.entries.clear();
    this.entries.set(clientId, { record, expiresAt: now + this.ttlMs, generation });
    return record;
  }
}

async function readClientRecord(
  storage: Storage,
  clientId: string,
): Promise<ClientRecord | undefined> {
  const client = await findClientByClientId(storage, clientId);
  if (!client) return undefined;

  const serviceAccount = await getServiceAccount(
    storage,
    client.orgId,
    client.serviceAccountId,
  ).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  const auth = await getClientAuth(storage, clientId);
  return { client, serviceAccount, auth };
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
  // No client id is this long or contains control characters, and PostgreSQL rejects NUL in text.
  const plausible = clientId.length <= MAX_CLIENT_ID_LENGTH && !hasControlCharacters(clientId);
  const record = plausible ? await services.clients.read(clientId) : undefined;
  if (!record) throw new InvalidClientError('unknown client', { clientId: clientId.slice(0, 100) });

  const { client, serviceAccount, auth } = record;
  if (!serviceAccount) {
    throw new InvalidClientError('the service account of this client was deleted', { clientId });
  }
  if (serviceAccount.disabled) {
    throw new InvalidClientError('the service account of this client is disabled', { clientId });
  }

  if (auth.disabled) throw new InvalidClientError('the client is disabled', { clientId });
  if (auth.method !== method) {
    throw new InvalidClientError(
      `the client is registered for ${auth.method}, not ${method} (token_endpoint_auth_method mismatch)`,
      { clientId },
    );
  }
  return { client, serviceAccount, auth };
}
