// Starts oidc-provider as the peer authorization server: client_credentials with private_key_jwt
// (RS256), ES256 access tokens in the format named by BENCH_TOKEN_FORMAT (`jwt` or `opaque`), and
// its in-memory adapter, which also keeps the client assertion jti for replay detection.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const format = process.env.BENCH_TOKEN_FORMAT === 'opaque' ? 'opaque' : 'jwt';
const resource = 'urn:scimd:bench';
const kid = 'bench-rs256';

const clientKeys = await generateKeyPair('RS256', { extractable: true });
const serverKeys = await generateKeyPair('ES256', { extractable: true });

const server = http.createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'bench',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      id_token_signed_response_alg: 'ES256',
      jwks: {
        keys: [{ ...(await exportJWK(clientKeys.publicKey)), kid, alg: 'RS256', use: 'sig' }],
      },
      scope: 'manage:directory',
    },
  ],
  jwks: {
    keys: [
      { ...(await exportJWK(serverKeys.privateKey)), kid: 'server', alg: 'ES256', use: 'sig' },
    ],
  },
  scopes: ['manage:directory'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'manage:directory',
        audience: resource,
        accessTokenTTL: 3600,
        accessTokenFormat: format,
        ...(format === 'jwt' ? { jwt: { sign: { alg: 'ES256' } } } : {}),
      }),
    },
  },
});

server.on('request', provider.callback());

process.stdout.write(
  `READY ${JSON.stringify({
    url: issuer,
    tokenEndpoint: `${issuer}/token`,
    clientId: 'bench',
    kid,
    privateJwk: await exportJWK(clientKeys.privateKey),
    format,
  })}\n`,
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
