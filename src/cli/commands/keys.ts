import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { inferAlgorithm } from '../../client/assertion.js';
import { terminal } from '../output.js';

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
    .requiredOption('--kid <kid>', 'key id to register with the server and send in assertions')
    .option(
      '--alg <alg>',
      `signing algorithm: ${ALGORITHMS.join(', ')} (RSA keys are 2048 bits, EC keys P-256, EdDSA keys Ed25519)`,
      'RS256',
    )
    .option(
      '--out <file>',
      'private key file to create (PEM, PKCS #8, mode 0600); never overwritten',
      'private-key.pem',
    )
    .option('--jwks-out <file>', 'public JWKS file to create, for the directory admin', 'jwks.json')
    .action(async (options: { kid: string; alg: string; out: string; jwksOut: string }) => {
      if (!ALGORITHMS.includes(options.alg)) {
        throw new Error(`--alg must be one of ${ALGORITHMS.join(', ')}, got "${options.alg}"`);
      }
      const { privateKey } = await generateKeyPair(options.alg, { extractable: true });
      const pem = await exportPKCS8(privateKey);

      if (fs.existsSync(options.out)) {
        throw new Error(
          `${options.out} already exists and private keys are never overwritten: move it away or choose another --out`,
        );
      }
      fs.writeFileSync(options.out, pem, { mode: 0o600, flag: 'wx' });
      const jwks = await publicJwksOf(pem, options.kid, options.alg);
      fs.writeFileSync(options.jwksOut, `${JSON.stringify(jwks, null, 2)}\n`);
      terminal.out(`private key: ${options.out}\npublic JWKS: ${options.jwksOut}\n`);
    });

  keys
    .command('jwks')
    .description('print the public JWKS of an existing private key')
    .requiredOption('--key <file>', 'private key file (PEM, PKCS #8 or PKCS #1)')
    .requiredOption('--kid <kid>', 'key id to put in the JWK')
    .option(
      '--alg <alg>',
      'algorithm to put in the JWK, such as PS256 for an RSA key (default: implied by the key type)',
    )
    .action(async (options: { key: string; kid: string; alg?: string }) => {
      const pem = fs.readFileSync(options.key, 'utf8');
      const jwks = await publicJwksOf(pem, options.kid, options.alg ?? inferAlgorithm(pem));
      terminal.out(`${JSON.stringify(jwks, null, 2)}\n`);
    });
}
