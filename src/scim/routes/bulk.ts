import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { recordAuditEvent } from '../../directory/audit.js';
import type { AppContext } from '../../server/context.js';
import { requestActor } from '../../server/request-context.js';
import { BULK_MAX_PAYLOAD_SIZE } from '../bulk/limits.js';
import { AUDIT_OPERATIONS, ENDPOINT_SERVICES } from '../bulk/operations.js';
import { BULK_RESPONSE_SCHEMA, type ProcessedOperation, processBulk } from '../bulk/process.js';
import { readBulkRequest } from '../bulk/request.js';
import { handleScimError } from '../error-handler.js';
import { ScimError } from '../errors.js';
import { getDirectoryReadOptions } from '../resources/directory-options.js';
import { resourceUrl } from './request.js';

type BulkRoute = { Params: { directoryId: string } };

/**
 * Registers `POST /Bulk` (RFC 7644 §3.7). The route takes bodies up to `BULK_MAX_PAYLOAD_SIZE`
 * bytes, more than the server's default body limit, and answers 413 beyond it. The response is
 * 200 with one result per processed operation; each operation is audited as the single request
 * it stands for would be.
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
      const readOptions = await getDirectoryReadOptions(context.storage, directoryId);

      const Operations = await processBulk(
        {
          storage: context.storage,
          directoryId,
          readOptions,
          log: request.log,
          locate: (endpoint, id) => resourceUrl(context, directoryId, endpoint, id),
          onProcessed: (processed) => auditOperation(context, request, processed),
        },
        bulk,
      );
      return { schemas: [BULK_RESPONSE_SCHEMA], Operations };
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
 * Records one Bulk operation in the audit log under the action of the matching single request,
 * such as `scim.user.create`, with the same request id as the Bulk request. A failed audit write
 * is logged and counted, but it does not fail the operation.
 */
async function auditOperation(
  context: AppContext,
  request: FastifyRequest<BulkRoute>,
  processed: ProcessedOperation,
): Promise<void> {
  const actor = requestActor(request);
  if (!actor) return;

  const { operation, error, resourceId } = processed;
  const action = operation.request
    ? `scim.${ENDPOINT_SERVICES[operation.request.endpoint].auditName}.${AUDIT_OPERATIONS[operation.request.method]}`
    : 'scim.bulk.operation';
  const targets: Record<string, string> = {};
  if (resourceId !== undefined) targets.id = resourceId.slice(0, 100);
  if (operation.bulkId !== undefined) targets.bulkId = operation.bulkId.slice(0, 100);

  try {
    await recordAuditEvent(context.storage, {
      orgId: actor.orgId ?? null,
      actorType: actor.type,
      actor: actor.id,
      action,
      directoryId: request.params.directoryId,
      targets,
      outcome: error ? 'failure' : 'success',
      reason: error ? (error.scimType ?? String(error.status)) : null,
      requestId: request.id,
    });
  } catch (auditError) {
    context.metrics?.auditFailures.inc();
    request.log.error(
      { err: auditError, action, operation: operation.index },
      'audit event not recorded',
    );
  }
}
