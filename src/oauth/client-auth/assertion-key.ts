import type { JWK } from 'jose';
import type { OAuthClient } from '../../directory/clients.js';
import { InvalidClientError } from '../errors.js';
import { JwksFetchError, type JwksFetchOptions } from '../jwks/fetch-jwks.js';
import type { RemoteJwksCache } from '../jwks/remote-jwks-cache.js';
import { keyMismatch } from './algorithms.js';
import type { AssertionHeader } from './assertion-header.js';

export interface KeySources {
  jwksCache: RemoteJwksCache;
  fetchOptions: JwksFetchOptions;
}

/**
 * Finds the registered key that verifies a client assertion. A `kid` is looked up in the inline
 * JWKS, then among the keys at `jwks_uri`, which are fetched once more when the `kid` is new.
 * Without a `kid`, the key is found only when exactly one registered key fits the algorithm.
 */
export async function selectAssertionKey(
  client: OAuthClient,
  header: AssertionHeader,
  sources: KeySources,
): Promise<JWK> {
  if (!client.jwks && !client.jwksUri) {
    throw new InvalidClientError(
      'the client has no registered keys; register a JWKS or a jwks_uri for it',
    );
  }

  const key =
    header.kid === undefined
      ? await onlyFittingKey(client, header, sources)
      : await keyById(client, header.kid, sources);

  const mismatch = keyMismatch(key, header.alg);
  if (mismatch) {
    throw new InvalidClientError(
      `the key ${JSON.stringify(key.kid ?? '')} cannot verify alg ${header.alg}: ${mismatch}`,
    );
  }
  return key;
}

async function keyById(client: OAuthClient, kid: string, sources: KeySources): Promise<JWK> {
  const inline = findKid(client.jwks?.keys ?? [], kid);
  if (inline) return inline;

  if (client.jwksUri) {
    const remote = findKid(await remoteKeys(client, sources), kid);
    if (remote) return remote;

    // A new kid usually means the integrator rotated keys at its jwks_uri.
    const refetched = await guardFetch(() =>
      sources.jwksCache.refetchForUnknownKid(
        client.clientId,
        client.jwksUri!,
        sources.fetchOptions,
      ),
    );
    const rotated = refetched && findKid(refetched, kid);
    if (rotated) return rotated;
  }

  const where = client.jwksUri
    ? 'registered for the client or published at its jwks_uri'
    : 'registered for the client';
  throw new InvalidClientError(
    `unknown kid ${JSON.stringify(kid)}: no key with this kid is ${where}`,
  );
}

async function onlyFittingKey(
  client: OAuthClient,
  header: AssertionHeader,
  sources: KeySources,
): Promise<JWK> {
  const registered = [...(client.jwks?.keys ?? [])];
  if (client.jwksUri) registered.push(...(await remoteKeys(client, sources)));

  const fitting = registered.filter((key) => keyMismatch(key, header.alg) === undefined);
  if (fitting.length === 1) return fitting[0]!;

  if (fitting.length === 0) {
    throw new InvalidClientError(`no key registered for the client fits alg ${header.alg}`);
  }
  // The one failure whose public text names its cause: the integrator must add a kid to go on.
  const ambiguous = `the client assertion header has no kid and several registered keys fit alg ${header.alg}; set kid to the key used`;
  throw new InvalidClientError(ambiguous, { clientId: client.clientId }, ambiguous);
}

function remoteKeys(client: OAuthClient, sources: KeySources): Promise<JWK[]> {
  return guardFetch(() =>
    sources.jwksCache.keys(client.clientId, client.jwksUri!, sources.fetchOptions),
  );
}

/** Turns a failed JWKS download into the client authentication error sent to the integrator. */
async function guardFetch<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof JwksFetchError)) throw error;
    throw new InvalidClientError(
      `the client's keys could not be fetched from its jwks_uri: ${error.message}`,
    );
  }
}

function findKid(keys: JWK[], kid: string): JWK | undefined {
  return keys.find((key) => key.kid === kid);
}
