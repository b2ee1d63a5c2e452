import { ScimError } from '../errors.js';
import type { BulkOperation, OperationRequest } from './request.js';

// A reference is a whole string value `bulkId:{bulkId}` (RFC 7644 §3.7.2).
const REFERENCE_PREFIX = 'bulkId:';

// SCIM data nests a few levels (PatchOp, value, members, item); deeper input is rejected before
// the walk over it could exhaust the stack.
const MAX_DATA_DEPTH = 32;

/** Returns the bulkId a string references, or undefined when it is no reference. */
export function referencedBulkId(value: string): string | undefined {
  return value.startsWith(REFERENCE_PREFIX) && value.length > REFERENCE_PREFIX.length
    ? value.slice(REFERENCE_PREFIX.length)
    : undefined;
}

/**
 * Returns a copy of an operation request in which every `bulkId:` reference, in the path id and
 * at any depth of the data, is replaced by `resolve(bulkId)`. `resolve` throws for a reference
 * that has no id. Data nested more than 32 levels deep is 400 `invalidValue`.
 */
export function substituteReferences(
  request: OperationRequest,
  resolve: (bulkId: string) => string,
): OperationRequest {
  const pathBulkId = request.id === undefined ? undefined : referencedBulkId(request.id);
  return {
    ...request,
    id: pathBulkId === undefined ? request.id : resolve(pathBulkId),
    data: mapStrings(request.data, 0, (text) => {
      const bulkId = referencedBulkId(text);
      return bulkId === undefined ? text : resolve(bulkId);
    }),
  };
}

/**
 * Orders the operations so that each POST runs before the operations that reference its bulkId,
 * and otherwise keeps the request order (RFC 7644 §3.7.2 allows forward references). It marks
 * with a 409 each operation that references a bulkId no POST declares, and each operation on a
 * circle of references. Returns the indexes of all operations in the order to process them.
 */
export function planOrder(operations: readonly BulkOperation[]): number[] {
  const postByBulkId = new Map<string, number>();
  for (const operation of operations) {
    const isPost = operation.method === 'POST' && operation.bulkId !== undefined;
    if (isPost && !postByBulkId.has(operation.bulkId as string)) {
      postByBulkId.set(operation.bulkId as string, operation.index);
    }
  }

  const dependencies = operations.map((operation) => findDependencies(operation, postByBulkId));
  return orderByDependencies(operations, dependencies);
}

function findDependencies(
  operation: BulkOperation,
  postByBulkId: ReadonlyMap<string, number>,
): number[] {
  if (!operation.request || operation.error) return [];

  const bulkIds = new Set<string>();
  try {
    substituteReferences(operation.request, (bulkId) => {
      bulkIds.add(bulkId);
      return bulkId;
    });
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    operation.error = ScimError.of(
      error.scimType ?? 'invalidValue',
      `Operations[${operation.index}].${error.detail}`,
    );
    return [];
  }

  const dependencies: number[] = [];
  for (const bulkId of bulkIds) {
    const index = postByBulkId.get(bulkId);
    if (index === undefined) {
      operation.error = ScimError.withStatus(
        409,
        `Operations[${operation.index}] references bulkId ${JSON.stringify(bulkId)}, which no POST operation of this request declares`,
      );
      return [];
    }
    dependencies.push(index);
  }
  return dependencies;
}

/**
 * Walks the references depth first, without recursion so that a long chain cannot exhaust the
 * stack, and lists each operation after the operations it depends on. A reference back to an
 * operation still on the walk's path closes a circle: every operation on it gets a 409.
 */
function orderByDependencies(
  operations: readonly BulkOperation[],
  dependencies: readonly number[][],
): number[] {
  const NEW = 0;
  const ON_PATH = 1;
  const DONE = 2;
  const state = operations.map(() => NEW);
  const order: number[] = [];

  for (const start of operations.keys()) {
    if (state[start] !== NEW) continue;
    state[start] = ON_PATH;
    const path = [{ index: start, next: 0 }];

    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const next = dependencies[top.index]![top.next];
      if (next === undefined) {
        state[top.index] = DONE;
        order.push(top.index);
        path.pop();
        continue;
      }

      top.next += 1;
      if (state[next] === NEW) {
        state[next] = ON_PATH;
        path.push({ index: next, next: 0 });
      } else if (state[next] === ON_PATH) {
        const circle = path.slice(path.findIndex((step) => step.index === next));
        rejectCircle(
          operations,
          circle.map((step) => step.index),
        );
      }
    }
  }
  return order;
}

// TODO: RFC 7644 §3.7.1 requires a server to try to resolve a circle (create the resources, then
// add the references that close it) but allows a 409 instead. This server returns the 409 for
// every operation on the circle without trying.
function rejectCircle(operations: readonly BulkOperation[], circle: readonly number[]): void {
  const names = [...circle, circle[0]]
    .map((index) => JSON.stringify(operations[index!]?.bulkId ?? `Operations[${index}]`))
    .join(' -> ');
  for (const index of circle) {
    const operation = operations[index]!;
    operation.error ??= ScimError.withStatus(
      409,
      `Operations[${index}] is part of a circle of bulkId references (${names}), which this server does not resolve`,
    );
  }
}

function mapStrings(value: unknown, depth: number, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DATA_DEPTH) {
    throw ScimError.of('invalidValue', `data is nested more than ${MAX_DATA_DEPTH} levels deep`);
  }

  if (Array.isArray(value)) return value.map((item) => mapStrings(item, depth + 1, map));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = mapStrings(item, depth + 1, map);
  return copy;
}
