import type { AttributeDefinition } from '../schema/attribute.js';
import type { CompareOperator, CompareValue } from './ast.js';
import { type FilterTarget, leafOf, type ResolvedFilter } from './resolve.js';

type JsonObject = Record<string, unknown>;

/**
 * Evaluates a resolved filter against a SCIM representation with canonical attribute names and
 * extension attributes under their schema URN, or against one element of a multi-valued
 * attribute for a filter from `resolveElementFilter`.
 *
 * A path on a multi-valued attribute matches when any of its values matches. `ne` is the negation
 * of `eq`, so a missing attribute is `ne` to every literal. The database compiler in sql.ts
 * follows the same rules.
 */
export function matchesFilter(filter: ResolvedFilter, resource: JsonObject): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(filter.left, resource) && matchesFilter(filter.right, resource);
    case 'or':
      return matchesFilter(filter.left, resource) || matchesFilter(filter.right, resource);
    case 'not':
      return !matchesFilter(filter.operand, resource);
    case 'present':
      return valuesOf(resource, filter.target).length > 0;
    case 'valuePath':
      return valuesOf(resource, elementsOf(filter.target)).some(
        (element) => isObject(element) && matchesFilter(filter.filter, element),
      );
    case 'compare': {
      if (filter.operator === 'ne') return !matchesFilter({ ...filter, operator: 'eq' }, resource);

      const values = valuesOf(resource, filter.target);
      if (filter.value === null) return values.length === 0;
      return values.some((value) =>
        compareValue(leafOf(filter.target), filter.operator, value, filter.value),
      );
    }
  }
}

/** Returns the target of a value path's elements themselves, without a sub-attribute. */
function elementsOf(target: FilterTarget): FilterTarget {
  const { subAttribute: _, ...elements } = target;
  return elements;
}

/** Lists the assigned values a target names; null, "", [] and {} are unassigned (RFC 7643 §2.5). */
function valuesOf(resource: JsonObject, target: FilterTarget): unknown[] {
  const container = target.extension ? resource[target.extension] : resource;
  if (!isObject(container)) return [];

  const values = spread(target.attribute, container[target.attribute.name]);
  const sub = target.subAttribute;
  const leaves = sub
    ? values.flatMap((value) => (isObject(value) ? spread(sub, value[sub.name]) : []))
    : values;
  return leaves.filter(isAssigned);
}

function spread(definition: AttributeDefinition, value: unknown): unknown[] {
  if (definition.multiValued) return Array.isArray(value) ? value : [];
  return [value];
}

function isAssigned(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isAssigned);
  if (isObject(value)) return Object.values(value).some(isAssigned);
  return true;
}

function compareValue(
  definition: AttributeDefinition,
  operator: CompareOperator,
  actual: unknown,
  expected: CompareValue,
): boolean {
  if (expected === null) return false;

  if (
    definition.type === 'dateTime' &&
    typeof actual === 'string' &&
    typeof expected === 'string'
  ) {
    const instant = Date.parse(actual);
    return !Number.isNaN(instant) && compareOrdered(operator, instant, Date.parse(expected));
  }
  if (typeof actual === 'string' && typeof expected === 'string') {
    const fold = (text: string) => (definition.caseExact ? text : text.toLowerCase());
    return compareText(operator, fold(actual), fold(expected));
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    return compareOrdered(operator, actual, expected);
  }
  if (typeof actual === 'boolean' && typeof expected === 'boolean') {
    return operator === 'eq' && actual === expected;
  }
  return false;
}

function compareText(operator: CompareOperator, actual: string, expected: string): boolean {
  switch (operator) {
    case 'co':
      return actual.includes(expected);
    case 'sw':
      return actual.startsWith(expected);
    case 'ew':
      return actual.endsWith(expected);
    default:
      return compareOrdered(operator, compareCodePoints(actual, expected), 0);
  }
}

function compareOrdered(operator: CompareOperator, actual: number, expected: number): boolean {
  switch (operator) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'gt':
      return actual > expected;
    case 'ge':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'le':
      return actual <= expected;
    default:
      return false;
  }
}

/**
 * Compares strings by Unicode code point, the order of SQLite's BINARY collation and of
 * PostgreSQL's "C" collation on UTF-8. JavaScript's `<` compares UTF-16 code units, which
 * orders characters above U+FFFF before U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done && y.done) return 0;
    if (x.done) return -1;
    if (y.done) return 1;

    const difference = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
