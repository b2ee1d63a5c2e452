import { after, before } from 'node:test';
import type { Scope } from '../../src/directory/clients.js';
import type { RunningServer } from '../../src/server/start.js';
import type { TestDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** A response with its body parsed as JSON, or undefined when it has none. */
export interface ScimResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Issues an access token for a provisioned client, with its own scopes unless `scopes` is given. */
export function issueToken(
  server: RunningServer,
  provisioned: ProvisionedClient,
  scopes: Scope[] = provisioned.client.scopes,
): Promise<string> {
  return server.context.accessTokens.issue({
    clientId: provisioned.client.clientId,
    serviceAccountId: provisioned.serviceAccount.id,
    orgId: provisioned.orgId,
    scopes,
  });
}

/** Returns the SCIM base URL of a directory on the test server. */
export function baseUrl(server: RunningServer, directoryId: string): string {
  return `${server.url}/scim/directory/${directoryId}`;
}

/**
 * Sends a request to the SCIM API. An object `body` is sent as `application/scim+json`; a string
 * is sent as it is, with the content type from `headers`.
 */
export async function scim(
  url: string,
  options: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<ScimResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/scim+json';
  Object.assign(headers, options.headers);

  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

/** Builds a minimal valid User body. */
export function newUser(userName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [USER_SCHEMA], userName, ...extra };
}

/** A running test server with one provisioned client, a token for it and its Users URL. */
export interface ScimFixture {
  server: RunningServer;
  provisioned: ProvisionedClient;
  token: string;
  /** URL of the `/Users` endpoint of the provisioned client's directory. */
  users: string;
}

/**
 * Starts a test server in the suite's `before` hook and closes it in `after`. The fields of the
 * returned fixture are set once `before` has run; `options` go to `provisionClient`.
 */
export function useScimServer(
  database: () => TestDatabase,
  options: Parameters<typeof provisionClient>[1] = {},
): ScimFixture {
  const fixture = {} as ScimFixture;
  before(async () => {
    fixture.server = await startTestServer(database());
    fixture.provisioned = await provisionClient(fixture.server.context.storage, options);
    fixture.token = await issueToken(fixture.server, fixture.provisioned);
    fixture.users = `${baseUrl(fixture.server, fixture.provisioned.directory.id)}/Users`;
  });
  after(async () => {
    await fixture.server?.close();
  });
  return fixture;
}
