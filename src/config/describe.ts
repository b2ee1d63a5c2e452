import type { Config } from './index.js';

/** Setting names whose values are credentials; `config check` never prints them. */
// Names that end in `token` are credentials (adminToken, metricsToken); `accessTokenAlg` is not.
const SECRET_NAME = /token$|secret|password|encryptionkey|privatekey/i;

const MASK = '********';

/**
 * Returns the configuration as a plain object for display: credentials replaced by a mask
 * (or `null` when unset) and the password removed from the database URL.
 */
export function describeConfig(config: Config): Record<string, unknown> {
  return maskObject(config as unknown as Record<string, unknown>);
}

function maskObject(value: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    shown[name] = maskValue(name, item);
  }
  return shown;
}

function maskValue(name: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (SECRET_NAME.test(name) && typeof value === 'string') return MASK;
  if (name === 'databaseUrl' && typeof value === 'string') return withoutPassword(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return maskObject(value as Record<string, unknown>);
  }
  return value;
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    return parsed.toString();
  } catch {
    return MASK;
  }
}
