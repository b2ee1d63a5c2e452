import fs from 'node:fs';
import type { Command } from 'commander';
import { TokenSource } from '../client/token-source.js';
import { defaultServerUrl } from './admin-client.js';

/** The options that identify a client and its key, shared by `scimd token` and `scimd scim`. */
export interface ClientCredentialOptions {
  issuer: string;
  tokenEndpoint?: string;
  clientId?: string;
  key?: string;
  kid?: string;
  alg?: string;
  scope?: string;
}

/** Adds the client credential options to a command. */
export function withClientCredentialOptions(command: Command): Command {
  return command
    .option(
      '--issuer <url>',
      'authorization server issuer URL; the token endpoint is read from its RFC 8414 metadata (default: SCIMD_URL, else http://127.0.0.1:8080)',
      defaultServerUrl(),
    )
    .option(
      '--token-endpoint <url>',
      'token endpoint URL, for a server without RFC 8414 metadata (default: from the metadata)',
    )
    .option('--client-id <id>', 'OAuth client id the admin gave you')
    .option(
      '--key <file>',
      'private key file (PEM, PKCS #8 or PKCS #1); without it the client secret in SCIMD_CLIENT_SECRET is used',
    )
    .option('--kid <kid>', 'key id registered for the client, sent in the assertion header')
    .option(
      '--alg <alg>',
      'signing algorithm: RS256, PS256, ES256, EdDSA, … (default: implied by the key type)',
    )
    .option(
      '--scope <scopes>',
      'space-separated scopes to request (default: every scope the client is allowed)',
    );
}

/**
 * Builds a token source from the options. Returns undefined when no client id was given, so
 * that a caller can fall back to a fixed token.
 */
export function tokenSourceFrom(options: ClientCredentialOptions): TokenSource | undefined {
  if (!options.clientId) return undefined;

  const secret = process.env.SCIMD_CLIENT_SECRET;
  if (!options.key && !secret) {
    throw new Error('--client-id needs --key FILE, or a client secret in SCIMD_CLIENT_SECRET');
  }

  const issuer = options.issuer.replace(/\/+$/, '');
  return new TokenSource({
    issuer,
    clientId: options.clientId,
    ...(options.tokenEndpoint ? { tokenEndpoint: options.tokenEndpoint } : {}),
    ...(options.key
      ? { privateKey: fs.readFileSync(options.key, 'utf8') }
      : { clientSecret: secret! }),
    ...(options.kid ? { kid: options.kid } : {}),
    ...(options.alg ? { algorithm: options.alg } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
  });
}
