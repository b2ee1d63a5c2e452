import type { AttributeDefinition } from '../schema/attribute.js';
import type { CompareValue } from './ast.js';
import { matchesFilter } from './evaluate.js';
import { parseFilter } from './parser.js';
import { type ResolvedFilter, resolveElementFilter } from './resolve.js';

/**
 * The filter inside a PATCH value path, `emails[type eq "work" and primary eq true]` (RFC 7644
 * §3.5.2): the full filter language over the sub-attributes of one element.
 */
export type ValueFilter = ResolvedFilter;

/**
 * Parses a value filter over the sub-attributes of a multi-valued attribute. Throws
 * `invalidFilter` naming the problem, such as a sub-attribute the attribute lacks.
 */
export function parseValueFilter(
  text: string,
  subAttributes: readonly AttributeDefinition[],
  owner = 'the attribute',
): ValueFilter {
  return resolveElementFilter(parseFilter(text), subAttributes, owner);
}

/** Evaluates a value filter against one element of a multi-valued attribute. */
export function matchesValueFilter(filter: ValueFilter, element: Record<string, unknown>): boolean {
  return matchesFilter(filter, element);
}

/**
 * Returns the sub-attribute values a filter pins when it is a plain equality (`type eq "work"`,
 * or several joined by `and`), or undefined for any other filter. Such a filter names an element
 * that a PATCH may create when none matches.
 */
export function plainEqualities(filter: ValueFilter): Record<string, CompareValue> | undefined {
  if (filter.kind === 'compare' && filter.operator === 'eq' && filter.value !== null) {
    return { [filter.target.attribute.name]: filter.value };
  }
  if (filter.kind !== 'and') return undefined;

  const left = plainEqualities(filter.left);
  const right = plainEqualities(filter.right);
  return left && right ? { ...left, ...right } : undefined;
}
