import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { Storage } from '../storage/database.js';
import { nowIso } from '../storage/ids.js';
import type { SecretBox } from './encryption.js';

/** Algorithm of the access tokens this server signs. */
export const ACCESS_TOKEN_ALG = 'ES256';

/** Minimum time between two reloads of the key table triggered by an unknown `kid`, in ms. */
const RELOAD_INTERVAL_MS = 5_000;

interface LoadedKey {
  kid: string;
  alg: string;
  publicJwk: JWK;
  createdAt: string;
}

/**
 * The server's signing keys, kept in the database so that every process shares them. The oldest
 * active key signs, so processes that raced to create the first key still agree on one.
 */
export class ServerKeyStore {
  private keys: LoadedKey[] = [];
  private signingKey: { kid: string; alg: string; key: CryptoKey } | undefined;
  private verifyKeys = new Map<string, CryptoKey>();
  private lastReload = 0;

  constructor(
    private readonly storage: Storage,
    private readonly secrets: SecretBox,
  ) {}

  /** Loads the keys, creating the first one when the table is empty. */
  async initialize(): Promise<void> {
    await this.reload();
    if (this.keys.length === 0) {
      await this.createKey();
      await this.reload();
    }
  }

  /** Returns the key that signs new access tokens. */
  async currentSigningKey(): Promise<{ kid: string; alg: string; key: CryptoKey }> {
    if (!this.signingKey) await this.initialize();
    if (!this.signingKey) throw new Error('no active server signing key');
    return this.signingKey;
  }

  /** Returns the public key for a `kid`, reloading the table once in a while for unknown ones. */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    const known = this.verifyKeys.get(kid);
    if (known) return known;

    if (Date.now() - this.lastReload < RELOAD_INTERVAL_MS) return undefined;
    await this.reload();
    return this.verifyKeys.get(kid);
  }

  /** The public keys, as published at the JWKS endpoint. */
  publicJwks(): JSONWebKeySet {
    return {
      keys: this.keys.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' })),
    };
  }

  private async createKey(): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
      extractable: true,
    });
    const kid = randomUUID();
    await this.storage.db
      .insertInto('server_keys')
      .values({
        kid,
        alg: ACCESS_TOKEN_ALG,
        private_jwk: this.secrets.seal(JSON.stringify(await exportJWK(privateKey))),
        public_jwk: JSON.stringify(await exportJWK(publicKey)),
        status: 'active',
        created_at: nowIso(),
      })
      .execute();
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.storage.db
      .selectFrom('server_keys')
      .selectAll()
      .where('status', '=', 'active')
      .orderBy('created_at')
      .orderBy('kid')
      .execute();

    const verifyKeys = new Map<string, CryptoKey>();
    for (const row of rows) {
      verifyKeys.set(
        row.kid,
        (await importJWK(JSON.parse(row.public_jwk) as JWK, row.alg)) as CryptoKey,
      );
    }
    const oldest = rows[0];
    if (oldest) {
      const privateJwk = JSON.parse(this.secrets.open(oldest.private_jwk)) as JWK;
      this.signingKey = {
        kid: oldest.kid,
        alg: oldest.alg,
        key: (await importJWK(privateJwk, oldest.alg)) as CryptoKey,
      };
    }
    this.keys = rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      publicJwk: JSON.parse(row.public_jwk) as JWK,
      createdAt: row.created_at,
    }));
    this.verifyKeys = verifyKeys;
  }
}
