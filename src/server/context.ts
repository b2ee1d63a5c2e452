import type { Config } from '../config/index.js';
import type { AccessTokenService } from '../oauth/access-token.js';
import type { ServerKeyStore } from '../oauth/server-keys.js';
import type { Storage } from '../storage/database.js';
import type { Metrics } from './metrics.js';

/**
 * Services shared by every surface. `config` is replaced once the server has bound its port
 * (a derived public URL follows the bound port), so handlers read it per request.
 */
export interface AppContext {
  config: Config;
  readonly storage: Storage;
  readonly serverKeys: ServerKeyStore;
  readonly accessTokens: AccessTokenService;
  /** Prometheus metrics of this process; absent where a caller assembles a bare context. */
  readonly metrics?: Metrics;
}
