import { ScimError } from '../errors.js';
import { parseValueFilter, type ValueFilter } from '../filter/value-filter.js';
import {
  type AttributeDefinition,
  findAttribute,
  type SchemaDefinition,
} from '../schema/attribute.js';
import { resolveAttribute } from '../schema/resolve.js';
import type { ResourceTypeDefinition } from '../schema/resource-types.js';

/**
 * A PATCH path (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`, each
 * optionally prefixed by a schema URN, resolved to definitions.
 */
export interface PatchPath {
  /** The path as the client wrote it, for error messages. */
  readonly text: string;
  readonly schema: SchemaDefinition;
  readonly isCore: boolean;
  readonly definition: AttributeDefinition;
  readonly filter?: ValueFilter;
  readonly subAttribute?: AttributeDefinition;
}

/**
 * Parses a PATCH path. Returns undefined when it names an attribute the resource type does not
 * define, so that the caller can ignore it or reject it in strict mode. Throws `invalidPath` for
 * a malformed path and `invalidFilter` for a bad value filter.
 */
export function parsePatchPath(
  resourceType: ResourceTypeDefinition,
  text: string,
  label: string,
): PatchPath | undefined {
  const invalid = (problem: string) =>
    ScimError.of('invalidPath', `${label}: the path ${JSON.stringify(text)} ${problem}`);

  const open = text.indexOf('[');
  const close = text.lastIndexOf(']');
  if (open >= 0 !== close >= 0 || close < open) throw invalid('has unbalanced brackets');

  const attributeText = open >= 0 ? text.slice(0, open) : text;
  const afterFilter = open >= 0 ? text.slice(close + 1) : '';
  if (afterFilter !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(afterFilter)) {
    throw invalid('has unexpected text after the filter');
  }

  const resolved = resolveAttribute(resourceType, attributeText.trim());
  if (!resolved) return undefined;
  const { definition, schema, isCore } = resolved;

  let subName = resolved.rest;
  if (open >= 0) subName = afterFilter === '' ? undefined : afterFilter.slice(1);
  if (open >= 0 && resolved.rest !== undefined)
    throw invalid('puts a filter after a sub-attribute');
  const subAttribute =
    subName !== undefined ? findAttribute(definition.subAttributes ?? [], subName) : undefined;
  if (subName !== undefined && !subAttribute) return undefined;

  if (open < 0) {
    return { text, schema, isCore, definition, ...(subAttribute ? { subAttribute } : {}) };
  }

  if (!definition.multiValued || definition.type !== 'complex') {
    throw invalid(`filters ${definition.name}, which is not a multi-valued complex attribute`);
  }
  const filter = parseValueFilter(
    text.slice(open + 1, close),
    definition.subAttributes ?? [],
    definition.name,
  );
  return { text, schema, isCore, definition, filter, ...(subAttribute ? { subAttribute } : {}) };
}
