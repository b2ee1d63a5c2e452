import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer } from '../helpers/server.js';

describeEachDatabase('authorization server metadata', (database) => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer(database());
  });
  after(async () => {
    await server.close();
  });

  test('metadata document fields', async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);

    assert.equal(response.status, 200);
    const algorithms = [
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
    const methods = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'];
    assert.deepEqual(await response.json(), {
      issuer: server.url,
      token_endpoint: `${server.url}/oauth/token`,
      jwks_uri: `${server.url}/oauth/jwks`,
      scopes_supported: ['manage:directory', 'read:directory'],
      response_types_supported: [],
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: methods,
      token_endpoint_auth_signing_alg_values_supported: algorithms,
      introspection_endpoint: `${server.url}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: methods,
      introspection_endpoint_auth_signing_alg_values_supported: algorithms,
      revocation_endpoint: `${server.url}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_signing_alg_values_supported: algorithms,
    });
  });

  test('metadata jwks_uri serves the signing keys', async () => {
    const metadata = (await (
      await fetch(`${server.url}/.well-known/oauth-authorization-server`)
    ).json()) as { jwks_uri: string };
    const response = await fetch(metadata.jwks_uri);

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), server.context.serverKeys.publicJwks());
  });
});
