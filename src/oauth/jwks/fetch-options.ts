import type { Config } from '../../config/index.js';
import type { JwksFetchOptions } from './fetch-jwks.js';

/** Returns the limits of JWKS downloads from the configuration. */
export function jwksFetchOptions(config: Config): JwksFetchOptions {
  return {
    allowLoopback: config.jwksAllowLoopback,
    timeoutMs: config.oauth.jwksTimeoutMs,
    maxBytes: config.oauth.jwksMaxBytes,
  };
}
