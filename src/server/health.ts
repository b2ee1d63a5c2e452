import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { pendingMigrations } from '../storage/migrate.js';
import type { AppContext } from './context.js';

/** Life-cycle flags of the process. */
export interface ServerState {
  /** Set on SIGTERM: the process finishes its requests and must get no new ones. */
  draining: boolean;
}

/** Maximum wait for the database during a readiness check, in ms. */
const READY_TIMEOUT_MS = 2000;

/**
 * `GET /healthz` (the process is running) and `GET /readyz` (the database responds, its schema
 * is current, and the process is not draining). Neither needs a token, and neither reveals more
 * than which check failed.
 */
export const healthPlugin: FastifyPluginAsync<{ context: AppContext; state: ServerState }> = async (
  app,
  { context, state },
) => {
  let schemaCurrent = false;

  app.get('/healthz', async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  app.get('/readyz', async (request, reply) => {
    const checks: Record<string, string> = { draining: state.draining ? 'yes' : 'no' };

    try {
      await withTimeout(sql`select 1`.execute(context.storage.db), READY_TIMEOUT_MS);
      checks.database = 'ok';
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check: database unreachable');
      checks.database = 'unreachable';
    }

    // Once current, the schema stays current for this build, so the check stops asking.
    if (checks.database === 'ok' && !schemaCurrent) {
      const pending = await pendingMigrations(context.storage);
      schemaCurrent = pending.length === 0;
      checks.migrations = schemaCurrent ? 'ok' : `pending: ${pending.join(', ')}`;
    } else {
      checks.migrations = schemaCurrent ? 'ok' : 'unknown';
    }

    const ready = !state.draining && checks.database === 'ok' && schemaCurrent;
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'not ready', checks });
  });
};

/** While draining, each response closes its connection, so that keep-alive clients move on. */
export function installDrainHeader(app: FastifyInstance, state: ServerState): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (state.draining) void reply.header('connection', 'close');
    return payload;
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
