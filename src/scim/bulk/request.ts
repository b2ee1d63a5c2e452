import { ScimError } from '../errors.js';
import { isStorableText } from '../text.js';
import { BULK_MAX_OPERATIONS } from './limits.js';

/** Schema URN of a Bulk request (RFC 7644 §3.7). */
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type BulkEndpoint = '/Users' | '/Groups';

const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ENDPOINTS: readonly BulkEndpoint[] = ['/Users', '/Groups'];

/** The request of a valid operation: method, endpoint, resource id and body. */
export interface OperationRequest {
  readonly method: BulkMethod;
  readonly endpoint: BulkEndpoint;
  /** The resource id of PUT, PATCH and DELETE; it may be a `bulkId:` reference. */
  readonly id: string | undefined;
  /** The body of POST, PUT and PATCH; undefined for DELETE. */
  readonly data: unknown;
}

/** One operation of a Bulk request, as read: its request, or the error that rejects it. */
export interface BulkOperation {
  /** Position in the request's `Operations`, from 0. */
  readonly index: number;
  /** The method as sent, so that the response can echo it even when it is invalid. */
  readonly method: string | undefined;
  readonly bulkId: string | undefined;
  /** An entity tag the resource must match, like an `If-Match` header. */
  readonly version: string | undefined;
  readonly request: OperationRequest | undefined;
  /** The error that rejects the operation before it runs; set whenever `request` is undefined. */
  error: ScimError | undefined;
}

/** A Bulk request envelope with its operations read. */
export interface BulkRequest {
  /** Number of failed operations after which processing stops; undefined means never. */
  readonly failOnErrors: number | undefined;
  readonly operations: BulkOperation[];
}

type JsonObject = Record<string, unknown>;

/**
 * Reads a Bulk request body (RFC 7644 §3.7). An invalid envelope throws a 400 ScimError that
 * names the attribute, and more than `BULK_MAX_OPERATIONS` operations throws a 413. An invalid
 * operation does not throw: it carries its own error, so that the other operations still run.
 * Attribute names are matched case-insensitively (RFC 7643 §2.1).
 */
export function readBulkRequest(body: unknown): BulkRequest {
  if (!isObject(body)) {
    throw ScimError.of('invalidSyntax', 'the request body must be a JSON object');
  }

  const schemas = field(body, 'schemas');
  const listsSchema =
    Array.isArray(schemas) &&
    schemas.some(
      (schema) =>
        typeof schema === 'string' && schema.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase(),
    );
  if (!listsSchema) {
    throw ScimError.of('invalidValue', `schemas must contain ${BULK_REQUEST_SCHEMA}`);
  }

  const failOnErrors = field(body, 'failOnErrors');
  if (
    failOnErrors !== undefined &&
    failOnErrors !== null &&
    !(Number.isSafeInteger(failOnErrors) && (failOnErrors as number) >= 1)
  ) {
    throw ScimError.of('invalidValue', 'failOnErrors must be an integer of at least 1');
  }

  const operations = field(body, 'Operations');
  if (operations === undefined || operations === null) {
    throw ScimError.of('invalidValue', 'Operations is required');
  }
  if (!Array.isArray(operations)) {
    throw ScimError.of('invalidSyntax', 'Operations must be an array');
  }
  if (operations.length > BULK_MAX_OPERATIONS) {
    throw ScimError.withStatus(
      413,
      `the request has ${operations.length} operations, more than maxOperations ${BULK_MAX_OPERATIONS}`,
    );
  }

  const read = operations.map(readOperation);
  rejectDuplicateBulkIds(read);
  return { failOnErrors: (failOnErrors as number | null) ?? undefined, operations: read };
}

function readOperation(input: unknown, index: number): BulkOperation {
  const name = `Operations[${index}]`;
  if (!isObject(input)) {
    const error = ScimError.of('invalidSyntax', `${name} must be a JSON object`);
    return {
      index,
      method: undefined,
      bulkId: undefined,
      version: undefined,
      request: undefined,
      error,
    };
  }

  const methodValue = field(input, 'method');
  const bulkIdValue = field(input, 'bulkId');
  const versionValue = field(input, 'version');
  const operation: BulkOperation = {
    index,
    method: typeof methodValue === 'string' ? methodValue : undefined,
    bulkId: typeof bulkIdValue === 'string' ? bulkIdValue : undefined,
    version: typeof versionValue === 'string' ? versionValue : undefined,
    request: undefined,
    error: undefined,
  };

  try {
    return { ...operation, request: readOperationRequest(input, name) };
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    return { ...operation, error };
  }
}

function readOperationRequest(input: JsonObject, name: string): OperationRequest {
  const method = field(input, 'method');
  if (typeof method !== 'string' || !METHODS.includes(method as BulkMethod)) {
    throw ScimError.of('invalidValue', `${name}.method must be POST, PUT, PATCH or DELETE`);
  }

  const bulkId = field(input, 'bulkId');
  if (bulkId !== undefined && (typeof bulkId !== 'string' || !isUsableText(bulkId))) {
    throw ScimError.of('invalidValue', `${name}.bulkId must be a non-empty string`);
  }
  if (method === 'POST' && bulkId === undefined) {
    throw ScimError.of('invalidValue', `${name}.bulkId is required for POST`);
  }

  const version = field(input, 'version');
  if (version !== undefined && typeof version !== 'string') {
    throw ScimError.of('invalidValue', `${name}.version must be a string`);
  }

  const { endpoint, id } = readPath(field(input, 'path'), method as BulkMethod, name);

  const data = field(input, 'data');
  if (method !== 'DELETE') {
    if (data === undefined || data === null) {
      throw ScimError.of('invalidValue', `${name}.data is required for ${method}`);
    }
    if (!isObject(data)) throw ScimError.of('invalidSyntax', `${name}.data must be a JSON object`);
  }

  return {
    method: method as BulkMethod,
    endpoint,
    id,
    data: method === 'DELETE' ? undefined : data,
  };
}

/** Reads `/Users` or `/Groups` for POST, and `/Users/{id}` or `/Groups/{id}` otherwise. */
function readPath(
  path: unknown,
  method: BulkMethod,
  name: string,
): { endpoint: BulkEndpoint; id: string | undefined } {
  const expected = method === 'POST' ? '/Users or /Groups' : '/Users/{id} or /Groups/{id}';
  const invalid = () =>
    ScimError.of('invalidValue', `${name}.path must be ${expected} for ${method}`);
  if (typeof path !== 'string') throw invalid();

  const [, collection, id, ...rest] = path.split('/');
  const endpoint = ENDPOINTS.find((candidate) => candidate === `/${collection}`);
  if (!path.startsWith('/') || !endpoint || rest.length > 0) throw invalid();

  if (method === 'POST') {
    if (id !== undefined) throw invalid();
    return { endpoint, id: undefined };
  }
  if (id === undefined || !isUsableText(id)) throw invalid();
  return { endpoint, id };
}

/** Rejects each operation that repeats a `bulkId` of an earlier one (RFC 7644 §3.7: unique). */
function rejectDuplicateBulkIds(operations: BulkOperation[]): void {
  const first = new Map<string, number>();
  for (const operation of operations) {
    if (operation.bulkId === undefined || operation.error) continue;

    const earlier = first.get(operation.bulkId);
    if (earlier === undefined) {
      first.set(operation.bulkId, operation.index);
      continue;
    }
    operation.error = ScimError.of(
      'invalidValue',
      `Operations[${operation.index}].bulkId ${JSON.stringify(operation.bulkId)} is already used by Operations[${earlier}]`,
    );
  }
}

/** Returns the value of an attribute, matching its name case-insensitively. */
function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

function isUsableText(value: string): boolean {
  return value.length > 0 && isStorableText(value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
