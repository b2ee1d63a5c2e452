import type { FastifyServerOptions } from 'fastify';
import { loadConfig } from '../../src/config/index.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import type { TestDatabase } from './databases.js';

/** Admin token every test server is started with. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Starts a real scimd server on 127.0.0.1 with a free port, on the given test database, with
 * loopback JWKS URLs allowed. `env` adds or overrides settings, and `logger` replaces the default
 * of no logging.
 */
export async function startTestServer(
  database: TestDatabase,
  env: Record<string, string> = {},
  logger: FastifyServerOptions['logger'] = false,
): Promise<RunningServer> {
  const config = loadConfig({
    SCIMD_HOST: '127.0.0.1',
    SCIMD_PORT: '0',
    SCIMD_DATA_DIR: database.dataDir,
    SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SCIMD_JWKS_ALLOW_LOOPBACK: 'true',
    SCIMD_LOG_LEVEL: 'silent',
    ...(database.databaseUrl ? { SCIMD_DATABASE_URL: database.databaseUrl } : {}),
    ...env,
  });
  return startServer(config, { logger });
}
