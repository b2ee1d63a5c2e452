import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { JWK } from 'jose';

/**
 * Writes `count` token requests, each with a fresh RS256 client assertion and its own `jti`, as
 * newline-separated form bodies. node:crypto with one cached key keeps this fast.
 */
export function writeTokenRequests(
  file: string,
  count: number,
  client: { clientId: string; kid: string; privateJwk: JWK; audience: string },
): void {
  const key = createPrivateKey({ key: client.privateJwk as never, format: 'jwk' });
  const header = Buffer.from(
    JSON.stringify({ alg: 'RS256', kid: client.kid, typ: 'JWT' }),
  ).toString('base64url');
  const now = Math.floor(Date.now() / 1000);

  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const claims = {
      iss: client.clientId,
      sub: client.clientId,
      aud: client.audience,
      jti: randomUUID(),
      iat: now,
      exp: now + 3000,
    };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
    lines.push(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: `${input}.${signature}`,
        scope: 'manage:directory',
      }).toString(),
    );
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}
