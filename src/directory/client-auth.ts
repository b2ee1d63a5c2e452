import type { Storage } from '../storage/database.js';
import { nowIso } from '../storage/ids.js';
import { noteClientChange } from './client-changes.js';
import { getClient } from './clients.js';
import { ConflictError, InvalidFieldError } from './errors.js';
import { generateSecret, hashSecret } from './secret-hash.js';

/** Client authentication methods of the token endpoint; a client has exactly one. */
export const CLIENT_AUTH_METHOD_NAMES = [
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
] as const;
export type ClientAuthMethodName = (typeof CLIENT_AUTH_METHOD_NAMES)[number];

/** The methods that authenticate with a secret the server generated. */
export const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SecretMethod = (typeof SECRET_METHODS)[number];

/** Algorithms a client's assertions may be signed with, as listed in RFC 7518 and RFC 8037. */
const KNOWN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** A client's authentication settings; a client without a row uses private_key_jwt. */
export interface ClientAuth {
  method: ClientAuthMethodName;
  /** Salted hash of the client secret, for the secret methods. */
  secretHash: string | null;
  /** Algorithms the client may sign assertions with; null: the server's list. */
  assertionAlgorithms: string[] | null;
  /** Whether an admin has disabled the client. */
  disabled: boolean;
}

const DEFAULT_AUTH: ClientAuth = {
  method: 'private_key_jwt',
  secretHash: null,
  assertionAlgorithms: null,
  disabled: false,
};

/** Reads the authentication settings of a client by `client_id`. */
export async function getClientAuth(storage: Storage, clientId: string): Promise<ClientAuth> {
  const row = await storage.db
    .selectFrom('oauth_client_auth')
    .selectAll()
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (!row) return DEFAULT_AUTH;

  return {
    method: row.method as ClientAuthMethodName,
    secretHash: row.secret_hash,
    assertionAlgorithms: row.assertion_algs ? (JSON.parse(row.assertion_algs) as string[]) : null,
    disabled: row.disabled === 1,
  };
}

export function parseSecretMethod(value: unknown): SecretMethod {
  const method = SECRET_METHODS.find((candidate) => candidate === (value ?? SECRET_METHODS[0]));
  if (!method) {
    throw new InvalidFieldError(
      'tokenEndpointAuthMethod',
      `must be ${SECRET_METHODS.join(' or ')}`,
    );
  }
  return method;
}

/**
 * Gives a client a new generated secret and makes `method` its only authentication method. The
 * secret is returned once; only its salted hash is stored. A client with registered keys must
 * drop them first, so that it never has two ways in.
 */
export async function issueClientSecret(
  storage: Storage,
  orgId: string,
  clientId: string,
  method: SecretMethod,
): Promise<string> {
  const client = await getClient(storage, orgId, clientId);
  if (client.jwks || client.jwksUri) {
    throw new ConflictError(
      'the client authenticates with registered keys (private_key_jwt); delete its keys before giving it a secret',
    );
  }

  const secret = generateSecret();
  await saveAuth(storage, clientId, { method, secret_hash: hashSecret(secret) });
  return secret;
}

/** Removes a client's secret; the client goes back to private_key_jwt and needs keys. */
export async function removeClientSecret(
  storage: Storage,
  orgId: string,
  clientId: string,
): Promise<void> {
  await getClient(storage, orgId, clientId);
  await saveAuth(storage, clientId, { method: 'private_key_jwt', secret_hash: null });
}

/** Limits the algorithms of a client's assertions; an empty list or null lifts the limit. */
export async function setClientAssertionAlgorithms(
  storage: Storage,
  orgId: string,
  clientId: string,
  algorithms: unknown,
): Promise<string[] | null> {
  await getClient(storage, orgId, clientId);
  const list = parseAlgorithms(algorithms);
  const current = await getClientAuth(storage, clientId);
  await saveAuth(storage, clientId, {
    method: current.method,
    secret_hash: current.secretHash,
    assertion_algs: list ? JSON.stringify(list) : null,
  });
  return list;
}

/**
 * Disables or re-enables a client. A disabled client gets no tokens, and the SCIM API rejects the
 * tokens it already has from then on.
 */
export async function setClientDisabled(
  storage: Storage,
  orgId: string,
  clientId: string,
  disabled: boolean,
): Promise<void> {
  await getClient(storage, orgId, clientId);
  const current = await getClientAuth(storage, clientId);
  await saveAuth(storage, clientId, {
    method: current.method,
    secret_hash: current.secretHash,
    disabled: disabled ? 1 : 0,
  });
}

function parseAlgorithms(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) {
    throw new InvalidFieldError(
      'algorithms',
      `must be an array of: ${KNOWN_ALGORITHMS.join(', ')}`,
    );
  }
  for (const [index, alg] of value.entries()) {
    if (typeof alg !== 'string' || !KNOWN_ALGORITHMS.includes(alg)) {
      throw new InvalidFieldError(
        `algorithms[${index}]`,
        `must be one of ${KNOWN_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return value.length === 0 ? null : [...new Set(value as string[])];
}

async function saveAuth(
  storage: Storage,
  clientId: string,
  values: {
    method: string;
    secret_hash: string | null;
    assertion_algs?: string | null;
    disabled?: number;
  },
): Promise<void> {
  const updatedAt = nowIso();
  const existing = await storage.db
    .updateTable('oauth_client_auth')
    .set({ ...values, updated_at: updatedAt })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  noteClientChange();
  if (existing.numUpdatedRows > 0n) return;

  await storage.db
    .insertInto('oauth_client_auth')
    .values({
      assertion_algs: null,
      disabled: 0,
      ...values,
      client_id: clientId,
      updated_at: updatedAt,
    })
    .execute();
  noteClientChange();
}
