import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { type AuditEventInput, recordAuditEvents } from '../../directory/audit.js';
import { getDirectoryReadOptions } from '../../directory/scim-options.js';
import type { AppContext } from '../../server/context.js';
import { requestActor } from '../../server/request-context.js';
import { authorizedReadOptions } from '../auth.js';
import { BULK_MAX_PAYLOAD_SIZE } from '../bulk/limits.js';
import { AUDIT_OPERATIONS, ENDPOINT_SERVICES } from '../bulk/operations.js';
import { BULK_RESPONSE_SCHEMA, type ProcessedOperation, processBulk } from '../bulk/process.js';
import { readBulkRequest } from '../bulk/request.js';
import { handleScimError } from '../error-handler.js';
import { ScimError } from '../errors.js';
import { resourceUrl } from './request.js';

type BulkRoute = { Params: { directoryId: string } };

// Audit events of the operations are written in batches of this many, one statement each.
const AUDIT_BATCH = 100;

/**
 * Registers `POST /Bulk` (RFC 7644 §3.7). The route takes bodies up to `BULK_MAX_PAYLOAD_SIZE`
 * bytes, more than the server's default body limit, and rejects larger bodies with 413. The
 * response is 200 with one result per processed operation. Each operation is audited as the
 * single request it stands for would be, next to the `scim.bulk.bulk` event of the request.
 */
export function registerBulkRoute(app: FastifyInstance, context: AppContext): void {
  app.post<BulkRoute>(
    '/Bulk',
    {
      config: { scimAccess: 'write' },
      bodyLimit: BULK_MAX_PAYLOAD_SIZE,
      errorHandler: (error: FastifyError | ScimError, request, reply) => {
        if (!(error instanceof ScimError) && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          const tooLarge = ScimError.withStatus(
            413,
            `the request body is larger than maxPayloadSize ${BULK_MAX_PAYLOAD_SIZE} bytes`,
          );
          return handleScimError(tooLarge, request, reply);
        }
        return handleScimError(error, request, reply);
      },
    },
    async (request) => {
      const { directoryId } = request.params;
      const bulk = readBulkRequest(request.body);
      const readOptions =
        authorizedReadOptions(request) ??
        (await getDirectoryReadOptions(context.storage, directoryId));

      const audit: AuditEventInput[] = [];
      const flushAudit = () => writeAuditEvents(context, request, audit.splice(0));
      try {
        const Operations = await processBulk(
          {
            storage: context.storage,
            directoryId,
            readOptions,
            log: request.log,
            locate: (endpoint, id) => resourceUrl(context, directoryId, endpoint, id),
            onProcessed: async (processed) => {
              const event = auditEventOf(request, processed);
              if (event) audit.push(event);
              if (audit.length >= AUDIT_BATCH) await flushAudit();
            },
          },
          bulk,
        );
        return { schemas: [BULK_RESPONSE_SCHEMA], Operations };
      } finally {
        await flushAudit();
      }
    },
  );

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/Bulk',
    config: { scimAccess: 'read' },
    handler: async (request) => {
      throw ScimError.withStatus(405, `${request.method} is not allowed here; allowed: POST`, {
        allow: 'POST',
      });
    },
  });
}

/**
 * Builds the audit event of one Bulk operation: the action of the matching single request, such
 * as `scim.user.create`, with the request id of the Bulk request. Undefined without an actor.
 */
function auditEventOf(
  request: FastifyRequest<BulkRoute>,
  processed: ProcessedOperation,
): AuditEventInput | undefined {
  const actor = requestActor(request);
  if (!actor) return undefined;

  const { operation, error, resourceId } = processed;
  const action = operation.request
    ? `scim.${ENDPOINT_SERVICES[operation.request.endpoint].auditName}.${AUDIT_OPERATIONS[operation.request.method]}`
    : 'scim.bulk.operation';
  const targets: Record<string, string> = {};
  if (resourceId !== undefined) targets.id = resourceId.slice(0, 100);
  if (operation.bulkId !== undefined) targets.bulkId = operation.bulkId.slice(0, 100);

  return {
    orgId: actor.orgId ?? null,
    actorType: actor.type,
    actor: actor.id,
    action,
    directoryId: request.params.directoryId,
    targets,
    outcome: error ? 'failure' : 'success',
    reason: error ? (error.scimType ?? String(error.status)) : null,
    requestId: request.id,
  };
}

/** Writes audit events; a failure is logged and counted, but it does not fail the request. */
async function writeAuditEvents(
  context: AppContext,
  request: FastifyRequest<BulkRoute>,
  events: AuditEventInput[],
): Promise<void> {
  // TODO: the events are written after their operations commit, so a crash in between loses the
  // events of up to one batch of committed operations.
  try {
    await recordAuditEvents(context.storage, events);
  } catch (error) {
    context.metrics?.auditFailures.inc(events.length);
    request.log.error({ err: error, events: events.length }, 'audit events not recorded');
  }
}
