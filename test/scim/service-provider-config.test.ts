import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, ERROR_SCHEMA, SCIM_CONTENT_TYPE, scim, useScimServer } from './scim-client.js';

describeEachDatabase('SCIM discovery', (database) => {
  const fixture = useScimServer(database, { scopes: ['read:directory'] });

  test('ServiceProviderConfig lists only implemented features', async () => {
    const base = baseUrl(fixture.server, fixture.provisioned.directory.id);
    const response = await scim(`${base}/ServiceProviderConfig`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.deepEqual(response.body, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 4194304 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: 200,
      },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: `An access token from ${fixture.server.url}/oauth/token (client_credentials grant with private_key_jwt), sent as Authorization: Bearer.`,
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    });
  });

  test('ServiceProviderConfig with a filter is 403', async () => {
    const url = `${baseUrl(fixture.server, fixture.provisioned.directory.id)}/ServiceProviderConfig?filter=x`;
    const response = await scim(url, { token: fixture.token });
    assert.equal(response.status, 403);
    assert.equal(response.body.detail, 'the ServiceProviderConfig endpoint does not take a filter');
  });

  test('ServiceProviderConfig needs a token', async () => {
    const url = `${baseUrl(fixture.server, fixture.provisioned.directory.id)}/ServiceProviderConfig`;
    const response = await scim(url);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="scimd"');
  });

  test('unknown SCIM path is 404 SCIM error', async () => {
    const response = await scim(`${fixture.server.url}/scim/directory/x/Unknown`, {
      token: fixture.token,
    });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.deepEqual(response.body, {
      schemas: [ERROR_SCHEMA],
      status: '404',
      detail: 'no SCIM endpoint at GET /scim/directory/x/Unknown',
    });
  });
});
