import type { Server } from 'node:http';
import Fastify, {
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { consolePlugin } from '../admin/console/plugin.js';
import { adminPlugin } from '../admin/plugin.js';
import type { Config } from '../config/index.js';
import { oauthPlugin } from '../oauth/plugin.js';
import { scimPlugin } from '../scim/plugin.js';
import { createAdminServices } from './admin-services.js';
import { installAuditRecording } from './audit-recorder.js';
import type { AppContext } from './context.js';
import { healthPlugin, installDrainHeader, type ServerState } from './health.js';
import { depthLimitedJsonParser, MAX_BODY_BYTES } from './json-body.js';
import { metricsPlugin } from './metrics-route.js';
import { installRequestLogging, requestIdFor } from './request-log.js';
import { installTracing } from './tracing.js';

export interface BuildAppOptions {
  context: AppContext;
  /** Fastify logger options; false turns logging off. */
  logger?: FastifyServerOptions['logger'];
  /** Life-cycle flags that `/readyz` reports; a fresh, not draining state by default. */
  state?: ServerState;
}

/** Headers whose values are credentials, removed from every log line. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie'];

/** Assembles the Fastify application: one plugin per surface, each with its own error format. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const logger =
    options.logger === undefined || options.logger === true
      ? { level: options.context.config.logLevel, redact: REDACTED_PATHS }
      : options.logger;
  const { config } = options.context;
  const app = Fastify({
    logger,
    // Body limit for JSON documents; SCIM Bulk advertises its own, smaller limits.
    bodyLimit: MAX_BODY_BYTES,
    ...timeoutOptions(config.ops),
    trustProxy: trustProxyOption(config.ops.trustProxy),
    genReqId: (request) => requestIdFor(request.headers),
    // One line per request comes from installRequestLogging, without the URL and its query.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: true,
    }),
    // A request that reached the process while it closes is served, not refused with a 503.
    return503OnClosing: false,
  });

  // Hooks on the root apply to every surface registered below.
  if (config.ops.otelTracing) installTracing(app);
  installRequestLogging(app, options.context.metrics);
  installAuditRecording(app, options.context);
  const state = options.state ?? { draining: false };
  installDrainHeader(app, state);
  await app.register(healthPlugin, {
    context: options.context,
    state,
  });
  if (options.context.metrics && config.ops.metricsToken) {
    await app.register(metricsPlugin, {
      metrics: options.context.metrics,
      token: config.ops.metricsToken,
    });
  }

  // SCIM clients send `application/scim+json`; parse it as JSON. Every JSON body on every
  // surface goes through the same depth check.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/scim+json'],
    { parseAs: 'string' },
    depthLimitedJsonParser(app),
  );

  await app.register(oauthPlugin, { context: options.context });
  await app.register(scimPlugin, { context: options.context, prefix: '/scim' });
  await app.register(adminPlugin, {
    context: options.context,
    services: createAdminServices(options.context),
    prefix: '/admin/v1',
  });
  await app.register(consolePlugin, { context: options.context });

  return app;
}

/**
 * Builds the socket timeouts from the settings. Node checks `requestTimeout` and `headersTimeout`
 * only every `connectionsCheckingInterval`, so the interval is at most half the request timeout.
 * A stalled client is therefore cut between one and one and a half request timeouts after it
 * starts its request.
 */
function timeoutOptions(ops: Config['ops']): Partial<FastifyHttpOptions<Server>> {
  const requestTimeoutMs = ops.requestTimeoutSeconds * 1000;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: ops.idleTimeoutSeconds * 1000,
    keepAliveTimeout: ops.keepAliveTimeoutSeconds * 1000,
    http: {
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, requestTimeoutMs / 2)),
    },
  };
}

/** Fastify's `trustProxy` from the setting: a flag, a hop count, or addresses and ranges. */
function trustProxyOption(
  setting: Config['ops']['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return typeof setting === 'object' ? [...setting] : setting;
}
