import { ScimError } from '../errors.js';
import { sameValue } from '../patch/apply.js';
import type { ResourceTypeDefinition } from './resource-types.js';

type JsonObject = Record<string, unknown>;

/**
 * Rejects a change to an `immutable` attribute that already has a value (RFC 7643 §7: set once,
 * then never changed) with 400 `mutability`. Setting it for the first time is allowed.
 */
export function checkImmutable(
  resourceType: ResourceTypeDefinition,
  current: JsonObject,
  next: JsonObject,
): void {
  const schemas = [
    { attributes: resourceType.schema.attributes, read: (o: JsonObject) => o, prefix: '' },
    ...resourceType.extensions.map(({ schema }) => ({
      attributes: schema.attributes,
      read: (o: JsonObject) => (o[schema.id] ?? {}) as JsonObject,
      prefix: `${schema.id}:`,
    })),
  ];

  for (const { attributes, read, prefix } of schemas) {
    for (const definition of attributes) {
      if (definition.mutability !== 'immutable') continue;
      const before = read(current)[definition.name];
      if (before === undefined || sameValue(before, read(next)[definition.name])) continue;
      throw ScimError.of('mutability', `${prefix}${definition.name} is immutable and already set`);
    }
  }
}
