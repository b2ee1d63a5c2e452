import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Returns the public JWKS of a private key, with `kid` and `alg`. */
export async function publicJwksOf(
  privatePem: string,
  kid: string,
  alg: string,
): Promise<{ keys: JWK[] }> {
  const publicKey = createPublicKey(createPrivateKey(privatePem));
  const jwk = await exportJWK(publicKey);
  return { keys: [{ ...jwk, kid, alg, use: 'sig' }] };
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('integrator key pairs for client assertions');

  keys
    .command('generate')
    .description('write a new private key (PEM, mode 0600) and its public JWKS')
    .requiredOption('--kid <kid>', 'key id to register with the server')
    .option('--alg <alg>', `signing algorithm: ${ALGORITHMS.join(', ')}`, 'RS256')
    .option('--out <file>', 'private key file', 'private-key.pem')
    .option('--jwks-out <file>', 'public JWKS file', 'jwks.json')
    .action(async (options: { kid: string; alg: string; out: string; jwksOut: string }) => {
      if (!ALGORITHMS.includes(options.alg)) {
        throw new Error(`--alg must be one of ${ALGORITHMS.join(', ')}, got "${options.alg}"`);
      }
      const { privateKey } = await generateKeyPair(options.alg, { extractable: true });
      const pem = await exportPKCS8(privateKey);

      fs.writeFileSync(options.out, pem, { mode: 0o600, flag: 'wx' });
      const jwks = await publicJwksOf(pem, options.kid, options.alg);
      fs.writeFileSync(options.jwksOut, `${JSON.stringify(jwks, null, 2)}\n`);
      process.stdout.write(`private key: ${options.out}\npublic JWKS: ${options.jwksOut}\n`);
    });

  keys
    .command('jwks')
    .description('print the public JWKS of an existing private key')
    .requiredOption('--key <file>', 'private key file (PEM)')
    .requiredOption('--kid <kid>', 'key id')
    .option('--alg <alg>', 'signing algorithm', 'RS256')
    .action(async (options: { key: string; kid: string; alg: string }) => {
      const jwks = await publicJwksOf(
        fs.readFileSync(options.key, 'utf8'),
        options.kid,
        options.alg,
      );
      process.stdout.write(`${JSON.stringify(jwks, null, 2)}\n`);
    });
}
