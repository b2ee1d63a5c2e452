import { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import { type ProvisionedClient, signAssertion } from '../helpers/fixtures.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asks `baseUrl`'s token endpoint for a token with a fresh assertion signed for `audience`. */
export async function requestAccessToken(
  baseUrl: string,
  provisioned: ProvisionedClient,
  options: { audience?: string; assertion?: string; scope?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; assertion: string }> {
  const assertion =
    options.assertion ??
    (await signAssertion(
      provisioned.key,
      provisioned.client.clientId,
      options.audience ?? baseUrl,
    ));
  const params: Record<string, string> = {
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  };
  if (options.scope) params.scope = options.scope;

  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    assertion,
  };
}

/** Creates a pino logger configuration that keeps every line, parsed, in `lines`. */
export function captureLogs(): {
  logger: FastifyServerOptions['logger'];
  lines: Record<string, unknown>[];
  raw: string[];
} {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: { level: 'info', stream }, lines, raw };
}

/** Builds a SCIM user body with a random userName. */
export function newUser(userName = `user-${Math.random().toString(36).slice(2, 10)}`) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
  };
}

/** POSTs a SCIM user with a bearer token. */
export async function createScimUser(
  baseUrl: string,
  directoryId: string,
  token: string,
  body: unknown = newUser(),
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/scim/directory/${directoryId}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
