import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestActor } from './request-context.js';
import { routeOf } from './surfaces.js';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * Opens one OpenTelemetry server span per request through `@opentelemetry/api`. The spans go to
 * whatever SDK the operator registered before scimd started (for example with `node --import`),
 * and the incoming `traceparent` continues through the propagator that SDK registered. Without
 * an SDK the API is a no-op. Without `SCIMD_OTEL_TRACING` these hooks are not installed at all.
 */
export function installTracing(app: FastifyInstance): void {
  // TODO: database queries and JWKS downloads get no child spans, because handlers do not run
  // inside the request span's context.
  const tracer = trace.getTracer('scimd');

  app.addHook('onRequest', async (request) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = routeOf(request);
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': route,
          'scimd.request_id': request.id,
        },
      },
      parent,
    );
    spans.set(request, span);
  });

  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;

    span.setAttribute('http.response.status_code', reply.statusCode);
    const actor = requestActor(request);
    if (actor?.type === 'client') span.setAttribute('scimd.client_id', actor.id);
    if (actor?.orgId) span.setAttribute('scimd.org_id', actor.orgId);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
