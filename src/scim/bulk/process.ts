import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../../storage/database.js';
import { ScimError, type ScimErrorBody } from '../errors.js';
import { weakEtag } from '../etag.js';
import type { ResourceTypeDefinition } from '../schema/resource-types.js';
import { type ReadOptions, ResourceReader } from '../schema/validate.js';
import { runOperation } from './operations.js';
import { planOrder, referencedBulkId, substituteReferences } from './references.js';
import type { BulkEndpoint, BulkOperation, BulkRequest } from './request.js';

/** Schema URN of a Bulk response (RFC 7644 §3.7). */
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/** The result of one operation in a Bulk response (RFC 7644 §3.7.3). */
export interface BulkOperationResult {
  method?: string;
  bulkId?: string;
  /** The resource URL; absent after a failed POST. */
  location?: string;
  version?: string;
  /** The HTTP status as a string, as in the RFC's examples. */
  status: string;
  /** The SCIM error of a failed operation; a success has no body. */
  response?: ScimErrorBody;
}

/** An operation that was processed, with what the audit log records of it. */
export interface ProcessedOperation {
  readonly operation: BulkOperation;
  readonly result: BulkOperationResult;
  /** Id of the resource the operation wrote or tried to write, once known. */
  readonly resourceId: string | undefined;
  readonly error: ScimError | undefined;
}

export interface BulkContext {
  readonly storage: Storage;
  readonly directoryId: string;
  readonly readOptions: ReadOptions;
  readonly log: FastifyBaseLogger;
  /** Returns the URL of a resource. */
  locate(endpoint: BulkEndpoint, id: string): string;
  /** Called after each processed operation, in processing order (the audit log). */
  onProcessed(processed: ProcessedOperation): Promise<void>;
}

/**
 * Processes the operations of a Bulk request one after the other (RFC 7644 §3.7). A failed
 * operation does not stop the others, until `failOnErrors` operations have failed; the remaining
 * ones are not processed and get no result. Returns the results in request order.
 */
export async function processBulk(
  context: BulkContext,
  bulk: BulkRequest,
): Promise<BulkOperationResult[]> {
  const { operations, failOnErrors } = bulk;
  const order = planOrder(operations);
  const createdIds = new Map<string, string>();
  const results: BulkOperationResult[] = [];
  let errors = 0;

  for (const index of order) {
    if (failOnErrors !== undefined && errors >= failOnErrors) break;

    const processed = await processOperation(context, operations[index]!, createdIds);
    if (processed.error) errors += 1;
    results[index] = processed.result;
    await context.onProcessed(processed);
  }
  return results.filter((result) => result !== undefined);
}

async function processOperation(
  context: BulkContext,
  operation: BulkOperation,
  createdIds: Map<string, string>,
): Promise<ProcessedOperation> {
  const echoed = {
    ...(operation.method !== undefined ? { method: operation.method } : {}),
    ...(operation.bulkId !== undefined ? { bulkId: operation.bulkId } : {}),
  };
  const { request } = operation;
  let resourceId =
    request?.id !== undefined && referencedBulkId(request.id) === undefined
      ? request.id
      : undefined;

  const fail = (error: ScimError): ProcessedOperation => {
    const location =
      request && request.method !== 'POST' && resourceId !== undefined
        ? { location: context.locate(request.endpoint, resourceId) }
        : {};
    const result = {
      ...echoed,
      ...location,
      status: String(error.status),
      response: error.toBody(),
    };
    return { operation, result, resourceId, error };
  };

  if (operation.error || !request) {
    return fail(operation.error ?? ScimError.of('invalidSyntax', 'the operation is invalid'));
  }

  try {
    const resolved = substituteReferences(request, (bulkId) => {
      const id = createdIds.get(bulkId);
      if (id === undefined) {
        throw ScimError.withStatus(
          409,
          `Operations[${operation.index}] references bulkId ${JSON.stringify(bulkId)}, whose POST operation failed`,
        );
      }
      return id;
    });
    resourceId = resolved.id ?? resourceId;

    const readerFor = (resourceType: ResourceTypeDefinition) =>
      new ResourceReader(resourceType, context.readOptions);
    const success = await runOperation(
      context.storage,
      context.directoryId,
      resolved,
      operation.version,
      readerFor,
    );
    resourceId = success.id;
    if (request.method === 'POST' && operation.bulkId !== undefined) {
      createdIds.set(operation.bulkId, success.id);
    }

    const result: BulkOperationResult = {
      ...echoed,
      location: context.locate(request.endpoint, success.id),
      ...(success.version !== undefined ? { version: weakEtag(success.version) } : {}),
      status: String(success.status),
    };
    return { operation, result, resourceId, error: undefined };
  } catch (error) {
    if (error instanceof ScimError) return fail(error);

    // The service ran the operation in one transaction, so the failure left nothing behind.
    context.log.error({ err: error, operation: operation.index }, 'SCIM Bulk operation failed');
    return fail(ScimError.withStatus(500, 'the server failed to process the operation'));
  }
}
