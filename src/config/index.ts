import path from 'node:path';

/** Settings of one scimd process, validated once at start-up and then frozen. */
export interface Config {
  /** Address the HTTP server binds to. `SCIMD_HOST`, default `127.0.0.1`. */
  readonly host: string;
  /** TCP port of the HTTP server. `SCIMD_PORT`, default `8080`; `0` picks a free port. */
  readonly port: number;
  /**
   * Base URL under which clients reach this server, without a trailing slash. It is also the
   * OAuth issuer identifier. `SCIMD_PUBLIC_URL`, default `http://{host}:{port}`.
   */
  readonly publicUrl: string;
  /** Whether `publicUrl` was derived from host and port, so it follows the port actually bound. */
  readonly publicUrlDerived: boolean;
  /** Folder for the SQLite file and generated key material. `SCIMD_DATA_DIR`, default `./data`. */
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset selects SQLite in `dataDir`. `SCIMD_DATABASE_URL`. */
  readonly databaseUrl: string | undefined;
  /** Bootstrap admin bearer token. `SCIMD_ADMIN_TOKEN`; unset: generated at first start. */
  readonly adminToken: string | undefined;
  /** Allow `http://` JWKS URLs on loopback addresses, for local testing. `SCIMD_JWKS_ALLOW_LOOPBACK`. */
  readonly jwksAllowLoopback: boolean;
  /** pino log level. `SCIMD_LOG_LEVEL`, default `info`. */
  readonly logLevel: string;
  /** Extra accepted `aud` values for client assertions. `SCIMD_ASSERTION_AUDIENCES`, comma-separated. */
  readonly assertionAudiences: readonly string[];
  /** Accepted clock difference for JWT time claims, in seconds. `SCIMD_CLOCK_SKEW_SECONDS`, default 60. */
  readonly clockSkewSeconds: number;
  /** Lifetime of issued access tokens, in seconds. `SCIMD_ACCESS_TOKEN_TTL_SECONDS`, default 3600. */
  readonly accessTokenTtlSeconds: number;
  /**
   * Key that encrypts server private keys at rest: 32 bytes, base64 or hex. `SCIMD_KEY_ENCRYPTION_KEY`;
   * unset: a key file is generated in `dataDir` (a development default).
   */
  readonly encryptionKey: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

/** Reads the settings from environment variables; throws a ConfigError naming the bad setting. */
export function loadConfig(env: Env = process.env): Config {
  const host = readString(env, 'SCIMD_HOST') ?? '127.0.0.1';
  const port = readInteger(env, 'SCIMD_PORT', 8080, 0, 65535);

  const explicitUrl = readString(env, 'SCIMD_PUBLIC_URL');
  const publicUrl = explicitUrl ? normalizePublicUrl(explicitUrl) : defaultPublicUrl(host, port);

  const databaseUrl = readString(env, 'SCIMD_DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'SCIMD_DATABASE_URL must start with postgres:// or postgresql://; leave it unset to use SQLite',
    );
  }

  const logLevel = readString(env, 'SCIMD_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`SCIMD_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const adminToken = readString(env, 'SCIMD_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('SCIMD_ADMIN_TOKEN must be at least 16 characters long');
  }

  return Object.freeze({
    host,
    port,
    publicUrl,
    publicUrlDerived: !explicitUrl,
    dataDir: path.resolve(readString(env, 'SCIMD_DATA_DIR') ?? 'data'),
    databaseUrl,
    adminToken,
    jwksAllowLoopback: readBoolean(env, 'SCIMD_JWKS_ALLOW_LOOPBACK', false),
    logLevel,
    assertionAudiences: Object.freeze(readList(env, 'SCIMD_ASSERTION_AUDIENCES')),
    clockSkewSeconds: readInteger(env, 'SCIMD_CLOCK_SKEW_SECONDS', 60, 0, 600),
    accessTokenTtlSeconds: readInteger(env, 'SCIMD_ACCESS_TOKEN_TTL_SECONDS', 3600, 60, 86400),
    encryptionKey: readString(env, 'SCIMD_KEY_ENCRYPTION_KEY'),
  });
}

/** Returns a copy of `config` whose derived public URL follows the port the server bound. */
export function withBoundPort(config: Config, port: number): Config {
  if (!config.publicUrlDerived || port === config.port) return config;
  return Object.freeze({ ...config, port, publicUrl: defaultPublicUrl(config.host, port) });
}

function defaultPublicUrl(host: string, port: number): string {
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const bracketed = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return `http://${bracketed}:${port}`;
}

function normalizePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`SCIMD_PUBLIC_URL is not a valid URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('SCIMD_PUBLIC_URL must use http or https');
  }
  if (url.search || url.hash) {
    throw new ConfigError('SCIMD_PUBLIC_URL must not contain a query or fragment');
  }
  return url.toString().replace(/\/+$/, '');
}

function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function readList(env: Env, name: string): string[] {
  const raw = readString(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
