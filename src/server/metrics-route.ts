import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * `GET /metrics` on the main port, for scrapers that send `Authorization: Bearer {token}`. Without
 * a configured token the route does not exist there.
 */
export const metricsPlugin: FastifyPluginAsync<{ metrics: Metrics; token: string }> = async (
  app,
  { metrics, token },
) => {
  app.get('/metrics', async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="scimd-metrics"')
        .send({ error: 'unauthorized', message: 'the metrics token is missing or wrong' });
    }
    return sendMetrics(metrics, reply);
  });
};

/**
 * Starts a listener that serves only `GET /metrics`, without a token; its address (a private
 * interface or loopback) is what protects it.
 */
export async function startMetricsListener(
  metrics: Metrics,
  host: string,
  port: number,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => sendMetrics(metrics, reply));
  await app.listen({ host, port });
  return app;
}

async function sendMetrics(
  metrics: Metrics,
  reply: { header(name: string, value: string): unknown; send(body: string): unknown },
) {
  reply.header('content-type', metrics.registry.contentType);
  reply.header('cache-control', 'no-store');
  return reply.send(await metrics.registry.metrics());
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const presented = header ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
  if (!presented) return false;

  // Hashing first gives equal lengths, so the comparison time reveals nothing about the token.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
