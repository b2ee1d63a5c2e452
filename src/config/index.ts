import { isIP } from 'node:net';
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
  /**
   * Console sessions end after this many seconds without a request.
   * `SCIMD_CONSOLE_SESSION_IDLE_SECONDS`, default 1800 (30 minutes).
   */
  readonly consoleSessionIdleSeconds: number;
  /**
   * Console sessions end this many seconds after sign-in, however active.
   * `SCIMD_CONSOLE_SESSION_MAX_SECONDS`, default 43200 (12 hours).
   */
  readonly consoleSessionMaxSeconds: number;
  /** Authorization server settings; see OAuthSettings. */
  readonly oauth: OAuthSettings;
  /** Operations settings: proxy, shutdown, metrics, pool, audit retention; see OpsSettings. */
  readonly ops: OpsSettings;
}

/** Settings for running scimd in production (`config.ops`). */
export interface OpsSettings {
  /** `NODE_ENV=production`: development defaults are refused at start-up. */
  readonly production: boolean;
  /**
   * Proxies whose `X-Forwarded-*` headers are trusted. `SCIMD_TRUST_PROXY`: `false` (default),
   * `true` (any), a hop count, or comma-separated addresses and CIDR ranges.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /**
   * Seconds between SIGTERM and closing the listener, while `/readyz` returns 503 so that the load
   * balancer stops sending new requests. `SCIMD_SHUTDOWN_DELAY_SECONDS`, default 0.
   */
  readonly shutdownDelaySeconds: number;
  /** Maximum wait for in-flight requests on SIGTERM, in seconds. `SCIMD_SHUTDOWN_TIMEOUT_SECONDS`, default 25. */
  readonly shutdownTimeoutSeconds: number;
  /** Bearer token that `/metrics` on the main port requires. `SCIMD_METRICS_TOKEN`; unset: no `/metrics` there. */
  readonly metricsToken: string | undefined;
  /** Port of a separate listener that serves only `/metrics`, without a token. `SCIMD_METRICS_PORT`; unset: none. */
  readonly metricsPort: number | undefined;
  /** Address of the metrics listener. `SCIMD_METRICS_HOST`, default `127.0.0.1`. */
  readonly metricsHost: string;
  /** Most PostgreSQL connections per process. `SCIMD_DATABASE_POOL_SIZE`, default 10. */
  readonly databasePoolSize: number;
  /** Days an audit event is kept; 0 keeps them forever. `SCIMD_AUDIT_RETENTION_DAYS`, default 365. */
  readonly auditRetentionDays: number;
  /** One OpenTelemetry span per request, for an SDK the operator installs. `SCIMD_OTEL_TRACING`, default false. */
  readonly otelTracing: boolean;
  /**
   * Maximum time to receive one request, headers and body, in seconds. A client that stalls or
   * trickles its request gets 408 and is disconnected. `SCIMD_REQUEST_TIMEOUT_SECONDS`, default 30.
   */
  readonly requestTimeoutSeconds: number;
  /**
   * Seconds a connection may stay without any data in either direction before it is closed, also
   * while a request is being handled. `SCIMD_IDLE_TIMEOUT_SECONDS`, default 120, and 0 turns it off.
   */
  readonly idleTimeoutSeconds: number;
  /** Seconds an idle keep-alive connection stays open between requests. `SCIMD_KEEP_ALIVE_TIMEOUT_SECONDS`, default 72. */
  readonly keepAliveTimeoutSeconds: number;
}

/** Settings of the authorization server (`config.oauth`). */
export interface OAuthSettings {
  /**
   * Algorithms accepted for client assertions. `SCIMD_ASSERTION_ALGORITHMS`, comma-separated,
   * default all of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA.
   */
  readonly assertionAlgorithms: readonly string[];
  /** Longest accepted time from now to an assertion's `exp`, in seconds. `SCIMD_ASSERTION_MAX_LIFETIME_SECONDS`, default 3600. */
  readonly assertionMaxLifetimeSeconds: number;
  /**
   * Accept only the issuer identifier as the `aud` of client assertions (the stricter audience
   * rule of the RFC 7523 update). `SCIMD_ASSERTION_STRICT_AUDIENCE`, default false.
   */
  readonly assertionStrictAudience: boolean;
  /** Algorithm of new server signing keys: ES256, RS256 or EdDSA. `SCIMD_ACCESS_TOKEN_ALG`, default ES256. */
  readonly accessTokenAlg: string;
  /**
   * Time between publishing a rotated server key and signing with it, in seconds.
   * `SCIMD_KEY_PUBLISH_SECONDS`, default 120 (twice the interval at which processes reload keys).
   */
  readonly keyPublishSeconds: number;
  /** Time limit of one JWKS download, in ms. `SCIMD_JWKS_TIMEOUT_MS`, default 5000. */
  readonly jwksTimeoutMs: number;
  /** Largest accepted JWKS body, in bytes. `SCIMD_JWKS_MAX_BYTES`, default 262144 (256 KiB). */
  readonly jwksMaxBytes: number;
  /** Shortest time a fetched JWKS is cached, whatever its `Cache-Control`, in seconds. `SCIMD_JWKS_MIN_CACHE_SECONDS`, default 60. */
  readonly jwksMinCacheSeconds: number;
  /** Maximum time a fetched JWKS is cached, in seconds. `SCIMD_JWKS_MAX_CACHE_SECONDS`, default 3600. */
  readonly jwksMaxCacheSeconds: number;
  /** How long the last good JWKS is still used while refreshes fail, in seconds. `SCIMD_JWKS_STALE_SECONDS`, default 3600. */
  readonly jwksStaleSeconds: number;
  /** Minimum time between two fetches for an unknown `kid`, per client, in seconds. `SCIMD_JWKS_REFETCH_SECONDS`, default 30. */
  readonly jwksRefetchSeconds: number;
  /** Token requests per minute per client, in each process; 0 turns the limit off. `SCIMD_TOKEN_RATE_PER_CLIENT`, default 300. */
  readonly tokenRatePerClient: number;
  /**
   * Requests per minute per source address to the OAuth endpoints, in each process; 0 turns the
   * limit off. `SCIMD_TOKEN_RATE_PER_ADDRESS`, default 1200. Behind a proxy the address is the
   * proxy's unless Fastify trusts it.
   */
  readonly tokenRatePerAddress: number;
}

/** Every algorithm the authorization server can verify client assertions with. */
const ASSERTION_ALGORITHM_NAMES = [
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
const ACCESS_TOKEN_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'];

function readOAuthSettings(env: Env): OAuthSettings {
  const assertionAlgorithms = readList(env, 'SCIMD_ASSERTION_ALGORITHMS');
  const unknownAlg = assertionAlgorithms.find((alg) => !ASSERTION_ALGORITHM_NAMES.includes(alg));
  if (unknownAlg !== undefined) {
    throw new ConfigError(
      `SCIMD_ASSERTION_ALGORITHMS lists "${unknownAlg}"; use some of ${ASSERTION_ALGORITHM_NAMES.join(', ')}`,
    );
  }

  const accessTokenAlg = readString(env, 'SCIMD_ACCESS_TOKEN_ALG') ?? 'ES256';
  if (!ACCESS_TOKEN_ALGORITHMS.includes(accessTokenAlg)) {
    throw new ConfigError(
      `SCIMD_ACCESS_TOKEN_ALG must be one of ${ACCESS_TOKEN_ALGORITHMS.join(', ')}`,
    );
  }

  const jwksMinCacheSeconds = readInteger(env, 'SCIMD_JWKS_MIN_CACHE_SECONDS', 60, 0, 86400);
  const jwksMaxCacheSeconds = readInteger(env, 'SCIMD_JWKS_MAX_CACHE_SECONDS', 3600, 0, 86400);
  if (jwksMaxCacheSeconds < jwksMinCacheSeconds) {
    throw new ConfigError(
      'SCIMD_JWKS_MAX_CACHE_SECONDS must not be below SCIMD_JWKS_MIN_CACHE_SECONDS',
    );
  }

  return Object.freeze({
    assertionAlgorithms: Object.freeze(
      assertionAlgorithms.length > 0 ? assertionAlgorithms : [...ASSERTION_ALGORITHM_NAMES],
    ),
    assertionMaxLifetimeSeconds: readInteger(
      env,
      'SCIMD_ASSERTION_MAX_LIFETIME_SECONDS',
      3600,
      10,
      86400,
    ),
    assertionStrictAudience: readBoolean(env, 'SCIMD_ASSERTION_STRICT_AUDIENCE', false),
    accessTokenAlg,
    keyPublishSeconds: readInteger(env, 'SCIMD_KEY_PUBLISH_SECONDS', 120, 0, 86400),
    jwksTimeoutMs: readInteger(env, 'SCIMD_JWKS_TIMEOUT_MS', 5000, 100, 60000),
    jwksMaxBytes: readInteger(env, 'SCIMD_JWKS_MAX_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
    jwksMinCacheSeconds,
    jwksMaxCacheSeconds,
    jwksStaleSeconds: readInteger(env, 'SCIMD_JWKS_STALE_SECONDS', 3600, 0, 7 * 86400),
    jwksRefetchSeconds: readInteger(env, 'SCIMD_JWKS_REFETCH_SECONDS', 30, 0, 3600),
    tokenRatePerClient: readInteger(env, 'SCIMD_TOKEN_RATE_PER_CLIENT', 300, 0, 1_000_000),
    tokenRatePerAddress: readInteger(env, 'SCIMD_TOKEN_RATE_PER_ADDRESS', 1200, 0, 1_000_000),
  });
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

  const config: Config = Object.freeze({
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
    consoleSessionIdleSeconds: readInteger(
      env,
      'SCIMD_CONSOLE_SESSION_IDLE_SECONDS',
      1800,
      60,
      86400,
    ),
    consoleSessionMaxSeconds: readInteger(
      env,
      'SCIMD_CONSOLE_SESSION_MAX_SECONDS',
      43200,
      60,
      604800,
    ),
    oauth: readOAuthSettings(env),
    ops: readOpsSettings(env),
  });
  if (config.ops.production) refuseDevelopmentDefaults(config);
  return config;
}

/** Development defaults that `NODE_ENV=production` refuses, each named with its setting. */
function refuseDevelopmentDefaults(config: Config): void {
  const problems: string[] = [];
  if (config.encryptionKey === undefined) {
    problems.push('set SCIMD_KEY_ENCRYPTION_KEY instead of a generated key file');
  }
  if (config.jwksAllowLoopback) {
    problems.push('SCIMD_JWKS_ALLOW_LOOPBACK must be false');
  }
  if (!config.publicUrl.startsWith('https://')) {
    problems.push('SCIMD_PUBLIC_URL must be an https:// URL (TLS ends at the proxy)');
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `NODE_ENV=production refuses development defaults: ${problems.join('; ')}`,
    );
  }
}

function readOpsSettings(env: Env): OpsSettings {
  const metricsToken = readString(env, 'SCIMD_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('SCIMD_METRICS_TOKEN must be at least 16 characters long');
  }
  const metricsPort =
    readString(env, 'SCIMD_METRICS_PORT') === undefined
      ? undefined
      : readInteger(env, 'SCIMD_METRICS_PORT', 0, 0, 65535);

  return Object.freeze({
    production: readString(env, 'NODE_ENV') === 'production',
    trustProxy: readTrustProxy(env),
    shutdownDelaySeconds: readInteger(env, 'SCIMD_SHUTDOWN_DELAY_SECONDS', 0, 0, 600),
    shutdownTimeoutSeconds: readInteger(env, 'SCIMD_SHUTDOWN_TIMEOUT_SECONDS', 25, 1, 3600),
    metricsToken,
    metricsPort,
    metricsHost: readString(env, 'SCIMD_METRICS_HOST') ?? '127.0.0.1',
    databasePoolSize: readInteger(env, 'SCIMD_DATABASE_POOL_SIZE', 10, 1, 1000),
    auditRetentionDays: readInteger(env, 'SCIMD_AUDIT_RETENTION_DAYS', 365, 0, 36500),
    otelTracing: readBoolean(env, 'SCIMD_OTEL_TRACING', false),
    requestTimeoutSeconds: readInteger(env, 'SCIMD_REQUEST_TIMEOUT_SECONDS', 30, 1, 3600),
    idleTimeoutSeconds: readInteger(env, 'SCIMD_IDLE_TIMEOUT_SECONDS', 120, 0, 3600),
    keepAliveTimeoutSeconds: readInteger(env, 'SCIMD_KEEP_ALIVE_TIMEOUT_SECONDS', 72, 1, 3600),
  });
}

function readTrustProxy(env: Env): OpsSettings['trustProxy'] {
  const raw = readString(env, 'SCIMD_TRUST_PROXY');
  if (raw === undefined) return false;
  if (/^\d+$/.test(raw)) return readInteger(env, 'SCIMD_TRUST_PROXY', 0, 0, 100);
  if (['true', 'false', '1', '0', 'yes', 'no'].includes(raw.toLowerCase())) {
    return readBoolean(env, 'SCIMD_TRUST_PROXY', false);
  }

  const entries = readList(env, 'SCIMD_TRUST_PROXY');
  const invalid = entries.find((entry) => !isAddressOrRange(entry));
  if (invalid !== undefined) {
    throw new ConfigError(
      `SCIMD_TRUST_PROXY must be true, false, a hop count or addresses and CIDR ranges; "${invalid}" is none of these`,
    );
  }
  return Object.freeze(entries);
}

function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address || isIP(address) === 0) return false;
  if (bits === undefined) return true;

  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
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
