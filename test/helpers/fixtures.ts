import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import {
  createClient,
  type OAuthClient,
  type Scope,
  setClientKeys,
} from '../../src/directory/clients.js';
import { createDirectory, type Directory } from '../../src/directory/directories.js';
import { createGrant, type GrantRole } from '../../src/directory/grants.js';
import { createOrganization } from '../../src/directory/organizations.js';
import { createServiceAccount, type ServiceAccount } from '../../src/directory/service-accounts.js';
import type { Storage } from '../../src/storage/database.js';

/** A key pair of an integrator, with the public JWK as it is registered. */
export interface IntegratorKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function generateIntegratorKey(
  alg = 'RS256',
  kid = `key-${randomUUID()}`,
): Promise<IntegratorKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

/** Everything an integrator needs, created directly through the directory services. */
export interface ProvisionedClient {
  orgId: string;
  serviceAccount: ServiceAccount;
  client: OAuthClient;
  directory: Directory;
  key: IntegratorKey;
}

/**
 * Creates an organization, a service account with a client holding `scopes` and an inline JWKS,
 * a directory and a grant with `role`. Names are random so that calls never clash.
 */
export async function provisionClient(
  storage: Storage,
  options: { scopes?: Scope[]; role?: GrantRole; grant?: boolean; alg?: string } = {},
): Promise<ProvisionedClient> {
  const suffix = randomUUID().slice(0, 8);
  const org = await createOrganization(storage, `org-${suffix}`);
  const serviceAccount = await createServiceAccount(storage, org.id, {
    name: `sa-${suffix}`,
    role: 'user access admin',
  });
  const key = await generateIntegratorKey(options.alg ?? 'RS256');
  const created = await createClient(storage, org.id, serviceAccount.id, {
    name: 'integrator',
    scopes: options.scopes ?? ['manage:directory'],
  });
  const client = await setClientKeys(storage, org.id, created.clientId, {
    jwks: { keys: [key.publicJwk] },
    jwksUri: null,
  });
  const directory = await createDirectory(storage, org.id, `dir-${suffix}`);
  if (options.grant !== false) {
    await createGrant(storage, org.id, {
      directoryId: directory.id,
      serviceAccountId: serviceAccount.id,
      role: options.role ?? 'manage',
    });
  }
  return { orgId: org.id, serviceAccount, client, directory, key };
}

/** Signs a client assertion; `claims` and `header` override the defaults of a valid one. */
export async function signAssertion(
  key: IntegratorKey,
  clientId: string,
  audience: string,
  overrides: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    ...overrides.claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...overrides.header })
    .sign(key.privateKey);
}

/** Serves a JWKS from a local HTTP server on 127.0.0.1; `setKeys` changes what it serves. */
export async function serveJwks(keys: JWK[]): Promise<{
  url: string;
  requests: () => number;
  setKeys(next: JWK[]): void;
  close(): Promise<void>;
}> {
  let current = keys;
  let count = 0;
  const server = http.createServer((_request, response) => {
    count += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    requests: () => count,
    setKeys: (next) => {
      current = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
