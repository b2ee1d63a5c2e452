import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';
import { requestActor, requestNote } from './request-context.js';
import { isTokenRequest, routeOf, scimOperationOf } from './surfaces.js';

/** Header that carries the request id in both directions. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's request id is kept when it is short and plain; anything else is replaced. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's `genReqId`: the caller's `X-Request-Id` when acceptable, else a new UUID. */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const header = headers[REQUEST_ID_HEADER];
  const given = Array.isArray(header) ? header[0] : header;
  return given && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Echoes the request id and writes one log line per request, counting it in the metrics. The
 * line contains the route template, never the URL: query strings carry SCIM filters, whose values
 * are personal data.
 */
export function installRequestLogging(app: FastifyInstance, metrics: Metrics | undefined): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    const fields = requestLogFields(request, reply);
    if (reply.statusCode >= 500) request.log.error(fields, 'request completed');
    else request.log.info(fields, 'request completed');

    if (metrics) countRequest(metrics, request, reply);
  });
}

function requestLogFields(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const actor = requestActor(request);
  const params = (request.params ?? {}) as Record<string, unknown>;
  const directoryId = typeof params.directoryId === 'string' ? params.directoryId : undefined;
  return {
    method: request.method,
    route: routeOf(request),
    status: reply.statusCode,
    latencyMs: Math.round(reply.elapsedTime * 10) / 10,
    remoteAddress: request.ip,
    actorType: actor?.type,
    clientId: actor?.type === 'client' ? actor.id : undefined,
    orgId: actor?.orgId,
    directoryId,
    reason: requestNote(request).reason,
  };
}

function countRequest(metrics: Metrics, request: FastifyRequest, reply: FastifyReply): void {
  const labels = {
    method: request.method,
    route: routeOf(request),
    status: String(reply.statusCode),
  };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);

  if (isTokenRequest(request)) {
    if (reply.statusCode === 200) metrics.tokensIssued.inc();
    else metrics.tokensRejected.inc({ reason: requestNote(request).reason ?? 'unknown' });
  }

  const scim = scimOperationOf(request);
  if (scim) {
    metrics.scimOperations.inc({
      resource: scim.resource,
      operation: scim.operation,
      status: String(reply.statusCode),
    });
  }
}
