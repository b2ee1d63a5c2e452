import { KeyObject, randomUUID } from 'node:crypto';
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
import type { ServerKeyTable } from '../storage/schema.js';
import type { SecretBox } from './encryption.js';

/** Default algorithm of the access tokens this server signs. */
export const ACCESS_TOKEN_ALG = 'ES256';

/** Algorithms a server key may have. */
export const SERVER_KEY_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;

/** Minimum time between two reloads of the key table triggered by an unknown `kid`, in ms. */
const UNKNOWN_KID_RELOAD_MS = 5_000;
/** Setting that names the first server key, claimed by the one process that creates it. */
const FIRST_KEY_SETTING = 'first_server_key';

/** Maximum time after which a process reads the key table again on its own, in ms. */
const MAX_RELOAD_INTERVAL_MS = 60_000;
const MIN_RELOAD_INTERVAL_MS = 500;

interface LoadedKey {
  kid: string;
  alg: string;
  publicJwk: JWK;
  /** When the key starts signing, in ms since the epoch. */
  signsFrom: number;
  /** When the key stops being published, in ms since the epoch; undefined: not scheduled. */
  retiresAt: number | undefined;
  sealedPrivateJwk: string;
}

/** A signing key, as returned to the access token service. */
export interface SigningKey {
  kid: string;
  alg: string;
  key: CryptoKey;
  /** The same private key for node:crypto, which signs faster than WebCrypto. */
  keyObject: KeyObject;
}

/** Result of a rotation, for the command line and the log. */
export interface RotationResult {
  kid: string;
  alg: string;
  /** When the new key starts signing. */
  signsFrom: string;
  /** Keys that stop being published, with the time they do. */
  retiring: Array<{ kid: string; retiresAt: string }>;
}

export interface ServerKeyStoreOptions {
  /** Algorithm of the first key, created when the table is empty. Default ES256. */
  alg?: string;
  /**
   * Time between publishing a rotated key and signing with it, in seconds. Processes read the key
   * table at least twice within it, so every process publishes a new key before any signs with it.
   * Default 120.
   */
  publishSeconds?: number;
}

/**
 * The server's signing keys, kept in the database so that every process shares them. Each key has
 * a signing window: it is published from its creation, signs from `signs_from`, and is published
 * until `retires_at`, after every token it signed has expired. Among the keys whose window has
 * started, the one that started last signs, so processes that raced to create the first key still
 * agree on one after their next reload.
 */
export class ServerKeyStore {
  private keys: LoadedKey[] = [];
  private privateKeys = new Map<string, { key: CryptoKey; keyObject: KeyObject }>();
  private verifyKeys = new Map<string, CryptoKey>();
  private lastReload = 0;
  private readonly alg: string;
  private readonly reloadIntervalMs: number;

  constructor(
    private readonly storage: Storage,
    private readonly secrets: SecretBox,
    options: ServerKeyStoreOptions = {},
  ) {
    this.alg = options.alg ?? ACCESS_TOKEN_ALG;
    const halfPublish = ((options.publishSeconds ?? 120) * 1000) / 2;
    this.reloadIntervalMs = Math.min(
      MAX_RELOAD_INTERVAL_MS,
      Math.max(MIN_RELOAD_INTERVAL_MS, halfPublish),
    );
  }

  /**
   * Loads the keys, creating the first one when none is published. Processes that start at once
   * on an empty database elect one first key, so every process signs with a key the others know.
   * Without the election, a process that loaded before another's insert rejected its tokens until
   * its next reload.
   */
  async initialize(): Promise<void> {
    await this.reload();
    if (this.keys.length > 0) return;

    await this.insertFirstKey();
    await this.reload();
    // The first key was elected long ago and has been retired since, so any process adds one.
    if (this.keys.length === 0) {
      await this.insertKey(this.alg, new Date());
      await this.reload();
    }
  }

  /**
   * Inserts the first key in the transaction that claims the `first_server_key` setting. A
   * second process blocks on the setting's unique key until the first commits, then inserts
   * nothing.
   */
  private async insertFirstKey(): Promise<void> {
    const row = await this.newKeyRow(this.alg, new Date());
    await this.storage.db.transaction().execute(async (trx) => {
      const claim = await trx
        .insertInto('settings')
        .values({ key: FIRST_KEY_SETTING, value: row.kid, updated_at: nowIso() })
        .onConflict((conflict) => conflict.column('key').doNothing())
        .executeTakeFirst();
      if (Number(claim.numInsertedOrUpdatedRows ?? 0n) === 0) return;
      await trx.insertInto('server_keys').values(row).execute();
    });
  }

  /** Returns the key that signs new access tokens. */
  async currentSigningKey(): Promise<SigningKey> {
    await this.refreshIfStale();
    if (this.keys.length === 0) await this.initialize();

    const now = Date.now();
    const signing = this.keys
      .filter((key) => key.signsFrom <= now && (key.retiresAt === undefined || key.retiresAt > now))
      .sort((a, b) => b.signsFrom - a.signsFrom || a.kid.localeCompare(b.kid))[0];
    if (!signing) throw new Error('no server key is in its signing window');

    let imported = this.privateKeys.get(signing.kid);
    if (!imported) {
      const privateJwk = JSON.parse(this.secrets.open(signing.sealedPrivateJwk)) as JWK;
      const key = (await importJWK(privateJwk, signing.alg)) as CryptoKey;
      imported = { key, keyObject: KeyObject.from(key) };
      this.privateKeys.set(signing.kid, imported);
    }
    return { kid: signing.kid, alg: signing.alg, ...imported };
  }

  /** Returns the public key for a `kid`, reloading the table once in a while for unknown ones. */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    await this.refreshIfStale();
    const known = this.verifyKeys.get(kid);
    if (known) return known;

    if (Date.now() - this.lastReload < UNKNOWN_KID_RELOAD_MS) return undefined;
    await this.reload();
    return this.verifyKeys.get(kid);
  }

  /** Reads the key table again when the last read is older than the reload interval. */
  async refreshIfStale(): Promise<void> {
    if (Date.now() - this.lastReload >= this.reloadIntervalMs) await this.reload();
  }

  /** Returns the published public keys, as served at the JWKS endpoint. */
  publicJwks(): JSONWebKeySet {
    const now = Date.now();
    return {
      keys: this.keys
        .filter((key) => key.retiresAt === undefined || key.retiresAt > now)
        .map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' })),
    };
  }

  /**
   * Creates a new key that is published at once and signs after `publishSeconds`. Every key that
   * signs before it stays published until `retireAfterSeconds` after the new key takes over, which
   * callers set to the access token lifetime plus the clock skew.
   */
  async rotate(options: {
    alg?: string;
    publishSeconds: number;
    retireAfterSeconds: number;
  }): Promise<RotationResult> {
    const alg = options.alg ?? this.alg;
    const signsFrom = new Date(Date.now() + options.publishSeconds * 1000);
    const retiresAt = new Date(signsFrom.getTime() + options.retireAfterSeconds * 1000);

    // The key pair is generated first, and the old keys are retired in the transaction that
    // inserts the new key, so a process killed midway leaves either no change or the whole
    // rotation, never retired keys without a successor.
    const newKey = await this.newKeyRow(alg, signsFrom);
    const retiring = await this.storage.db.transaction().execute(async (trx) => {
      // Keys whose published time is over hold nothing a valid token needs.
      await trx.deleteFrom('server_keys').where('retires_at', '<', nowIso()).execute();

      const earlier = await trx
        .selectFrom('server_keys')
        .select(['kid', 'created_at', 'signs_from', 'retires_at'])
        .where('status', '=', 'active')
        .execute();
      const toRetire = earlier.filter(
        (row) =>
          (row.signs_from ?? row.created_at) < signsFrom.toISOString() &&
          (row.retires_at === null || row.retires_at > retiresAt.toISOString()),
      );
      for (const row of toRetire) {
        await trx
          .updateTable('server_keys')
          .set({ retires_at: retiresAt.toISOString() })
          .where('kid', '=', row.kid)
          .execute();
      }
      await trx.insertInto('server_keys').values(newKey).execute();
      return toRetire.map((row) => ({ kid: row.kid, retiresAt: retiresAt.toISOString() }));
    });

    await this.reload();
    return { kid: newKey.kid, alg, signsFrom: signsFrom.toISOString(), retiring };
  }

  private async insertKey(alg: string, signsFrom: Date): Promise<string> {
    const row = await this.newKeyRow(alg, signsFrom);
    await this.storage.db.insertInto('server_keys').values(row).execute();
    return row.kid;
  }

  /** Generates a key pair and returns its table row, with the private key sealed. */
  private async newKeyRow(alg: string, signsFrom: Date): Promise<ServerKeyTable> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    return {
      kid: randomUUID(),
      alg,
      private_jwk: this.secrets.seal(JSON.stringify(await exportJWK(privateKey))),
      public_jwk: JSON.stringify(await exportJWK(publicKey)),
      status: 'active',
      created_at: nowIso(),
      signs_from: signsFrom.toISOString(),
      retires_at: null,
    };
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.storage.db
      .selectFrom('server_keys')
      .selectAll()
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', nowIso())]))
      .orderBy('created_at')
      .orderBy('kid')
      .execute();

    const verifyKeys = new Map<string, CryptoKey>();
    for (const row of rows) {
      const known = this.verifyKeys.get(row.kid);
      verifyKeys.set(
        row.kid,
        known ?? ((await importJWK(JSON.parse(row.public_jwk) as JWK, row.alg)) as CryptoKey),
      );
    }
    this.keys = rows.map(toLoadedKey);
    this.verifyKeys = verifyKeys;
  }
}

function toLoadedKey(row: ServerKeyTable): LoadedKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: JSON.parse(row.public_jwk) as JWK,
    signsFrom: Date.parse(row.signs_from ?? row.created_at),
    retiresAt: row.retires_at === null ? undefined : Date.parse(row.retires_at),
    sealedPrivateJwk: row.private_jwk,
  };
}
