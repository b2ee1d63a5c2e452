import { ScimError } from '../errors.js';
import { type AttributeDefinition, findAttribute } from '../schema/attribute.js';
import { COMPARE_OPERATORS, type CompareOperator, type CompareValue } from './ast.js';
import { type Token, tokenize } from './tokenizer.js';

/**
 * The filter inside a value path, `emails[type eq "work" and primary eq true]` (RFC 7644
 * §3.4.2.2): comparisons on the element's sub-attributes joined with `and`, `or` and `not`.
 */
export type ValueFilter =
  | {
      readonly kind: 'compare';
      readonly attribute: AttributeDefinition;
      readonly operator: CompareOperator;
      readonly value: CompareValue;
    }
  | { readonly kind: 'present'; readonly attribute: AttributeDefinition }
  | { readonly kind: 'and' | 'or'; readonly left: ValueFilter; readonly right: ValueFilter }
  | { readonly kind: 'not'; readonly operand: ValueFilter };

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a value filter over the sub-attributes of a multi-valued attribute. Throws
 * `invalidFilter` naming the problem, such as a sub-attribute the attribute lacks.
 */
export function parseValueFilter(
  text: string,
  subAttributes: readonly AttributeDefinition[],
): ValueFilter {
  const tokens = tokenize(text);
  let index = 0;

  const peekWord = () => {
    const token = tokens[index];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  };
  const fail = (problem: string): never => {
    throw ScimError.of('invalidFilter', `the filter ${JSON.stringify(text)} ${problem}`);
  };

  const parseOr = (): ValueFilter => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      index += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };

  const parseAnd = (): ValueFilter => {
    let left = parseUnary();
    while (peekWord() === 'and') {
      index += 1;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };

  const parseUnary = (): ValueFilter => {
    if (peekWord() === 'not') {
      index += 1;
      if (tokens[index]?.kind !== '(') fail('needs a parenthesis after not');
      return { kind: 'not', operand: parseGroup() };
    }
    if (tokens[index]?.kind === '(') return parseGroup();
    return parseComparison();
  };

  const parseGroup = (): ValueFilter => {
    index += 1;
    const inner = parseOr();
    if (tokens[index]?.kind !== ')') fail('has an unclosed parenthesis');
    index += 1;
    return inner;
  };

  const parseComparison = (): ValueFilter => {
    const nameToken = tokens[index++];
    if (nameToken?.kind !== 'word') return fail('needs an attribute name');
    const attribute = findAttribute(subAttributes, nameToken.text);
    if (!attribute) return fail(`names ${nameToken.text}, which is not a sub-attribute here`);

    const operator = peekWord();
    index += 1;
    if (operator === 'pr') return { kind: 'present', attribute };
    if (!operator || !(COMPARE_OPERATORS as readonly string[]).includes(operator)) {
      return fail(`needs an operator after ${nameToken.text}`);
    }
    return {
      kind: 'compare',
      attribute,
      operator: operator as CompareOperator,
      value: readValue(tokens[index++], fail),
    };
  };

  if (tokens.length === 0) fail('is empty');
  const filter = parseOr();
  if (index < tokens.length) fail('has unexpected text after the comparison');
  return filter;
}

function readValue(token: Token | undefined, fail: (problem: string) => never): CompareValue {
  if (token?.kind === 'string') return token.value;
  if (token?.kind !== 'word') return fail('needs a value after the operator');
  if (token.text === 'true') return true;
  if (token.text === 'false') return false;
  if (token.text === 'null') return null;
  if (JSON_NUMBER.test(token.text)) return Number(token.text);
  return fail(`has ${token.text} where a value belongs; quote strings`);
}

/** Evaluates a value filter against one element of a multi-valued attribute. */
export function matchesValueFilter(filter: ValueFilter, element: Record<string, unknown>): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesValueFilter(filter.left, element) && matchesValueFilter(filter.right, element);
    case 'or':
      return matchesValueFilter(filter.left, element) || matchesValueFilter(filter.right, element);
    case 'not':
      return !matchesValueFilter(filter.operand, element);
    case 'present': {
      const value = element[filter.attribute.name];
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare':
      return compare(
        filter.attribute,
        filter.operator,
        element[filter.attribute.name],
        filter.value,
      );
  }
}

/**
 * Returns the sub-attribute values a filter pins when it is a plain equality (`type eq "work"`,
 * or several joined by `and`), or undefined for any other filter. Such a filter names an element
 * that a PATCH may create when none matches.
 */
export function plainEqualities(filter: ValueFilter): Record<string, CompareValue> | undefined {
  if (filter.kind === 'compare' && filter.operator === 'eq' && filter.value !== null) {
    return { [filter.attribute.name]: filter.value };
  }
  if (filter.kind !== 'and') return undefined;

  const left = plainEqualities(filter.left);
  const right = plainEqualities(filter.right);
  return left && right ? { ...left, ...right } : undefined;
}

// RFC 7644 §3.4.2.2: string comparisons follow the attribute's caseExact; gt/lt/ge/le on
// booleans are errors, but here they simply do not match.
function compare(
  definition: AttributeDefinition,
  operator: CompareOperator,
  actual: unknown,
  expected: CompareValue,
): boolean {
  if (expected === null) {
    const absent = actual === undefined || actual === null;
    if (operator === 'eq') return absent;
    return operator === 'ne' && !absent;
  }
  if (actual === undefined || actual === null) return operator === 'ne';

  if (typeof actual === 'string' && typeof expected === 'string') {
    const fold = (text: string) => (definition.caseExact ? text : text.toLowerCase());
    return compareOrdered(operator, fold(actual), fold(expected));
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    return compareOrdered(operator, actual, expected);
  }
  if (typeof actual === 'boolean' && typeof expected === 'boolean') {
    return operator === 'eq'
      ? actual === expected
      : operator === 'ne'
        ? actual !== expected
        : false;
  }
  return operator === 'ne';
}

function compareOrdered<T extends string | number>(operator: CompareOperator, a: T, b: T): boolean {
  switch (operator) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return String(a).includes(String(b));
    case 'sw':
      return String(a).startsWith(String(b));
    case 'ew':
      return String(a).endsWith(String(b));
    case 'gt':
      return a > b;
    case 'lt':
      return a < b;
    case 'ge':
      return a >= b;
    case 'le':
      return a <= b;
  }
}
