import { ScimError } from '../errors.js';
import type { ResourceReader } from '../schema/validate.js';
import { isObject } from '../schema/validate.js';
import { type PatchPath, parsePatchPath } from './path.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One operation of a PatchOp request, with its path resolved. */
export interface PatchOperation {
  /** `Operations[i]` with the path, for error messages. */
  readonly label: string;
  readonly op: PatchOpName;
  /** Undefined when the operation has no path. */
  readonly path: PatchPath | undefined;
  readonly value: unknown;
  /** Whether the request named a path (which may have been ignored as unknown). */
  readonly hasPath: boolean;
}

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/**
 * Maximum number of operations in one PatchOp request, a chosen value with room for clients that
 * send one operation per member change. The 1 MiB body limit caps the values inside them.
 */
export const MAX_PATCH_OPERATIONS = 1000;

/**
 * Reads a PatchOp body (RFC 7644 §3.5.2). The `Operations` key and each `op` match
 * case-insensitively, as Entra ID sends `Replace` and `Add`. Operations whose path names an
 * unknown attribute are dropped (and recorded by the reader), or rejected in strict mode.
 */
export function readPatchRequest(reader: ResourceReader, body: unknown): PatchOperation[] {
  if (!isObject(body)) {
    throw ScimError.of('invalidSyntax', 'the request body must be a PatchOp JSON object');
  }

  const schemas = fieldOf(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((urn) => sameText(urn, PATCH_OP_SCHEMA))) {
    throw ScimError.of('invalidSyntax', `schemas must be [${JSON.stringify(PATCH_OP_SCHEMA)}]`);
  }

  const operations = fieldOf(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.of('invalidSyntax', 'Operations must be a non-empty array');
  }
  // RFC 7644 §3.12 has no scimType for a request that is too large, and tooMany is about
  // filter results, so the count is reported as an invalid value.
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.of(
      'invalidValue',
      `Operations has ${operations.length} entries; the limit is ${MAX_PATCH_OPERATIONS} per request, so split the change into several requests`,
    );
  }

  const result: PatchOperation[] = [];
  operations.forEach((raw, index) => {
    const operation = readOperation(reader, raw, index);
    if (operation) result.push(operation);
  });
  return result;
}

function readOperation(
  reader: ResourceReader,
  raw: unknown,
  index: number,
): PatchOperation | undefined {
  const base = `Operations[${index}]`;
  if (!isObject(raw)) throw ScimError.of('invalidSyntax', `${base} must be an object`);

  const opText = fieldOf(raw, 'op');
  const op = OP_NAMES.find((name) => sameText(opText, name));
  if (!op) {
    throw ScimError.of('invalidSyntax', `${base}.op must be add, replace or remove`);
  }

  const pathText = fieldOf(raw, 'path');
  if (pathText !== undefined && (typeof pathText !== 'string' || pathText.trim() === '')) {
    throw ScimError.of('invalidPath', `${base}.path must be a non-empty string`);
  }
  const label = pathText === undefined ? `${base} (${op})` : `${base} (${op} ${pathText})`;
  const value = fieldOf(raw, 'value');

  // RFC 7644 §3.5.2.2: remove without a path is noTarget; add and replace need a value.
  if (pathText === undefined && op === 'remove') {
    throw ScimError.of('noTarget', `${label}: remove needs a path`);
  }
  if (op !== 'remove' && value === undefined) {
    throw ScimError.of('invalidValue', `${label}: ${op} needs a value`);
  }
  if (pathText === undefined && !isObject(value)) {
    throw ScimError.of('invalidValue', `${label}: value must be an object when there is no path`);
  }

  if (pathText === undefined) return { label, op, path: undefined, value, hasPath: false };

  const path = parsePatchPath(reader.resourceType, pathText.trim(), label);
  if (!path) {
    reader.unknown(pathText);
    return undefined;
  }
  return { label, op, path, value, hasPath: true };
}

function fieldOf(object: Record<string, unknown>, name: string): unknown {
  return Object.entries(object).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

function sameText(value: unknown, expected: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === expected.toLowerCase();
}
