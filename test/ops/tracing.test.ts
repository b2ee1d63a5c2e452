import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type Context,
  propagation,
  type Span,
  type SpanOptions,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer } from '../helpers/server.js';

interface RecordedSpan {
  name: string;
  options: SpanOptions | undefined;
  parentTraceId: string | undefined;
  attributes: Record<string, unknown>;
  status: number | undefined;
  ended: boolean;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Installs a tracer provider and a propagator that record what scimd hands them. */
function recordSpans(): RecordedSpan[] {
  const recorded: RecordedSpan[] = [];
  const provider: TracerProvider = {
    getTracer: () => ({
      startSpan(name: string, options?: SpanOptions, parent?: Context) {
        const entry: RecordedSpan = {
          name,
          options,
          parentTraceId: parent ? trace.getSpanContext(parent)?.traceId : undefined,
          attributes: {},
          status: undefined,
          ended: false,
        };
        recorded.push(entry);
        const span = {
          setAttribute(key: string, value: unknown) {
            entry.attributes[key] = value;
            return span;
          },
          setStatus(status: { code: number }) {
            entry.status = status.code;
            return span;
          },
          end() {
            entry.ended = true;
          },
        };
        return span as unknown as Span;
      },
      startActiveSpan() {
        throw new Error('scimd does not start active spans');
      },
    }),
  };
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator({
    inject() {},
    fields: () => ['traceparent'],
    extract(context, carrier) {
      const header = (carrier as Record<string, string | undefined>).traceparent;
      const traceId = header?.split('-')[1];
      if (!traceId) return context;
      return trace.setSpanContext(context, { traceId, spanId: 'b7ad6b7169203331', traceFlags: 1 });
    },
  });
  return recorded;
}

describeEachDatabase('OpenTelemetry tracing', (database) => {
  let traced: RunningServer;
  let plain: RunningServer;
  let spans: RecordedSpan[];
  before(async () => {
    spans = recordSpans();
    traced = await startTestServer(database(), { SCIMD_OTEL_TRACING: 'true' });
    plain = await startTestServer(database());
  });
  after(async () => {
    await traced.close();
    await plain.close();
    trace.disable();
    propagation.disable();
  });

  test('a request gets one ended server span', async () => {
    spans.length = 0;
    await fetch(`${traced.url}/healthz`, {
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    assert.equal(spans.length, 1);
    assert.equal(spans[0]?.name, 'GET /healthz');
    assert.equal(spans[0]?.attributes['http.response.status_code'], 200);
    assert.equal(spans[0]?.ended, true);
  });

  test('the span continues the incoming traceparent', async () => {
    spans.length = 0;
    await fetch(`${traced.url}/healthz`, {
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    assert.equal(spans[0]?.parentTraceId, TRACE_ID);
  });

  test('the span carries route and request id', async () => {
    spans.length = 0;
    await fetch(`${traced.url}/readyz`, { headers: { 'x-request-id': 'traced-1' } });
    assert.equal(spans[0]?.options?.attributes?.['http.route'], '/readyz');
    assert.equal(spans[0]?.options?.attributes?.['scimd.request_id'], 'traced-1');
  });

  test('tracing off records no span', async () => {
    spans.length = 0;
    await fetch(`${plain.url}/healthz`);
    assert.equal(spans.length, 0);
  });
});
