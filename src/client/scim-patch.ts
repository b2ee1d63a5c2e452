import { PATCH_OP_SCHEMA, type PatchOperation } from './scim-types.js';

/** The body of a PATCH request (RFC 7644 §3.5.2). */
export interface PatchRequest {
  schemas: [typeof PATCH_OP_SCHEMA];
  Operations: PatchOperation[];
}

/**
 * Collects PATCH operations in order; the server applies them in that order and all or none.
 *
 * @example
 * ```ts
 * const patch = new PatchBuilder()
 *   .replace('active', false)
 *   .add('members', [{ value: userId }])
 *   .remove(`members[value eq "${oldUserId}"]`);
 * await scim.groups.patch(groupId, patch);
 * ```
 */
export class PatchBuilder {
  private readonly operations: PatchOperation[] = [];

  /** Adds `value` at `path`; without a path, `value` is an object of attributes to add. */
  add(path: string | undefined, value: unknown): this {
    this.operations.push(path === undefined ? { op: 'add', value } : { op: 'add', path, value });
    return this;
  }

  /** Replaces the value at `path`; without a path, `value` is an object of attributes to replace. */
  replace(path: string | undefined, value: unknown): this {
    this.operations.push(
      path === undefined ? { op: 'replace', value } : { op: 'replace', path, value },
    );
    return this;
  }

  /** Removes the value at `path`, which RFC 7644 §3.5.2.2 requires. */
  remove(path: string): this {
    if (!path) throw new TypeError('a remove operation needs a path');
    this.operations.push({ op: 'remove', path });
    return this;
  }

  /** Number of operations so far. */
  get size(): number {
    return this.operations.length;
  }

  /** Returns the PatchOp request body. */
  build(): PatchRequest {
    return { schemas: [PATCH_OP_SCHEMA], Operations: [...this.operations] };
  }
}
