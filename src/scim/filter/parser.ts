import { ScimError } from '../errors.js';
import {
  type AttributePath,
  COMPARE_OPERATORS,
  type CompareOperator,
  type CompareValue,
  type FilterNode,
} from './ast.js';
import { type Token, tokenize } from './tokenizer.js';

/** Maximum length of a filter in characters. */
export const MAX_FILTER_LENGTH = 4096;
/** Maximum nesting of parentheses, `not` and value-path brackets. */
export const MAX_FILTER_DEPTH = 16;
/** Maximum number of comparisons (`eq`, `pr`, ...) in one filter. */
export const MAX_FILTER_COMPARISONS = 100;

// ATTRNAME = ALPHA *(nameChar), plus `$ref` (RFC 7643 §2.1, RFC 7644 §3.4.2.2).
const ATTRIBUTE_NAME = /^(?:[A-Za-z][\w-]*|\$ref)$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a filter (RFC 7644 §3.4.2.2) into a syntax tree: comparisons, `pr`, `and`, `or`,
 * `not (…)`, parentheses and value paths (`emails[type eq "work"]`). `and` binds tighter than
 * `or`. Attribute names, operators and keywords are case-insensitive. Throws `invalidFilter`
 * naming the problem and its 1-based character position.
 */
export function parseFilter(filter: string): FilterNode {
  if (filter.length > MAX_FILTER_LENGTH) {
    throw ScimError.of(
      'invalidFilter',
      `the filter has ${filter.length} characters; the maximum is ${MAX_FILTER_LENGTH}`,
    );
  }
  return new Parser(tokenize(filter)).parseAll();
}

class Parser {
  private index = 0;
  private depth = 0;
  private comparisons = 0;
  private insideBrackets = false;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): FilterNode {
    if (this.tokens.length === 0) throw ScimError.of('invalidFilter', 'the filter is empty');
    const node = this.parseOr();
    const extra = this.tokens[this.index];
    if (extra) throw this.fail(`${describe(extra)} is unexpected; join expressions with and, or`);
    return node;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.peekKeyword() === 'or') {
      this.index += 1;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.peekKeyword() === 'and') {
      this.index += 1;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    const token = this.tokens[this.index];
    if (!token) throw this.fail(`the filter ends where an expression is expected`);

    if (this.peekKeyword() === 'not') {
      this.index += 1;
      const open = this.tokens[this.index];
      if (open?.kind !== '(') {
        throw this.fail(`"not" at position ${token.position + 1} must be followed by "("`);
      }
      return { kind: 'not', operand: this.parseGroup() };
    }
    if (token.kind === '(') return this.parseGroup();
    return this.parseAttributeExpression();
  }

  /** Parses `( filter )` starting at the opening parenthesis. */
  private parseGroup(): FilterNode {
    const open = this.tokens[this.index]!;
    this.enter(open);
    this.index += 1;
    const inner = this.parseOr();
    const close = this.tokens[this.index];
    if (close?.kind !== ')') {
      throw this.fail(`the "(" at position ${open.position + 1} is not closed`);
    }
    this.index += 1;
    this.depth -= 1;
    return inner;
  }

  private parseAttributeExpression(): FilterNode {
    const pathToken = this.tokens[this.index]!;
    const path = parsePath(pathToken);
    this.index += 1;

    const next = this.tokens[this.index];
    if (next?.kind === '[') return this.parseValuePath(path, next);

    this.countComparison(pathToken);
    if (next?.kind !== 'word') {
      throw this.fail(
        next
          ? `expected an operator after ${describe(pathToken)}, found ${describe(next)}`
          : `expected an operator after ${describe(pathToken)} at the end of the filter`,
      );
    }
    const operator = next.text.toLowerCase();
    this.index += 1;

    if (operator === 'pr') return { kind: 'present', path };
    if (!isCompareOperator(operator)) {
      throw this.fail(
        `${describe(next)} is not a filter operator; expected one of ${COMPARE_OPERATORS.join(', ')}, pr`,
      );
    }

    const valueToken = this.tokens[this.index];
    if (!valueToken) {
      throw this.fail(`expected a value after ${describe(next)} at the end of the filter`);
    }
    this.index += 1;
    return { kind: 'compare', path, operator, value: parseValue(valueToken) };
  }

  /** Parses `attrPath[valFilter]`; the RFC's filter grammar allows no nesting and no `.sub` after it. */
  private parseValuePath(path: AttributePath, open: Token): FilterNode {
    if (this.insideBrackets) throw this.fail(`value filters cannot nest, ${describe(open)}`);
    if (path.subAttribute !== undefined) {
      throw this.fail(
        `a value filter follows an attribute, not the sub-attribute "${path.subAttribute}", at position ${open.position + 1}`,
      );
    }

    this.enter(open);
    this.index += 1;
    this.insideBrackets = true;
    const filter = this.parseOr();
    this.insideBrackets = false;

    const close = this.tokens[this.index];
    if (close?.kind !== ']') {
      throw this.fail(`the "[" at position ${open.position + 1} is not closed`);
    }
    this.index += 1;
    this.depth -= 1;

    const after = this.tokens[this.index];
    if (after?.kind === 'word' && after.text.startsWith('.')) {
      throw this.fail(
        `${describe(after)} is unexpected; a sub-attribute after "]" is only valid in a PATCH path`,
      );
    }
    return { kind: 'valuePath', path, filter };
  }

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw this.fail(
        `the filter nests deeper than ${MAX_FILTER_DEPTH} levels at position ${token.position + 1}`,
      );
    }
  }

  private countComparison(token: Token): void {
    this.comparisons += 1;
    if (this.comparisons > MAX_FILTER_COMPARISONS) {
      throw this.fail(
        `the filter has more than ${MAX_FILTER_COMPARISONS} comparisons; the next one is at position ${token.position + 1}`,
      );
    }
  }

  private peekKeyword(): string | undefined {
    const token = this.tokens[this.index];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  private fail(problem: string): ScimError {
    return ScimError.of('invalidFilter', problem);
  }
}

/**
 * Parses a lone attribute path, as `sortBy` takes (RFC 7644 §3.4.2.3). Throws `invalidFilter`
 * for anything else.
 */
export function parseAttributePath(text: string): AttributePath {
  const tokens = tokenize(text);
  const [token, extra] = tokens;
  if (!token) throw ScimError.of('invalidFilter', 'the attribute path is empty');
  if (extra) throw ScimError.of('invalidFilter', `${describe(extra)} is unexpected after the path`);
  return parsePath(token);
}

function parsePath(token: Token): AttributePath {
  if (token.kind !== 'word') {
    throw ScimError.of('invalidFilter', `expected an attribute name, found ${describe(token)}`);
  }

  // A fully qualified path puts the schema URN before the last colon.
  const text = token.text;
  const colon = text.toLowerCase().startsWith('urn:') ? text.lastIndexOf(':') : -1;
  const schema = colon >= 0 ? text.slice(0, colon) : undefined;
  const [attribute, subAttribute, ...rest] = text.slice(colon + 1).split('.');

  const names = subAttribute === undefined ? [attribute] : [attribute, subAttribute];
  if (rest.length > 0 || !names.every((name) => name !== undefined && ATTRIBUTE_NAME.test(name))) {
    throw ScimError.of(
      'invalidFilter',
      `${describe(token)} is not a valid attribute path; expected a name such as userName or name.familyName`,
    );
  }
  return {
    ...(schema !== undefined ? { schema } : {}),
    attribute: attribute!,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
    position: token.position,
  };
}

function parseValue(token: Token): CompareValue {
  if (token.kind === 'string') return token.value;
  if (token.kind !== 'word') {
    throw ScimError.of('invalidFilter', `expected a value, found ${describe(token)}`);
  }

  // The literals false, null and true are lower-case in the grammar.
  if (token.text === 'true') return true;
  if (token.text === 'false') return false;
  if (token.text === 'null') return null;
  if (JSON_NUMBER.test(token.text)) return Number(token.text);

  throw ScimError.of(
    'invalidFilter',
    `${describe(token)} is not a value; quote strings, as in "${token.text}"`,
  );
}

function isCompareOperator(value: string): value is CompareOperator {
  return (COMPARE_OPERATORS as readonly string[]).includes(value);
}

/** Names a token and its 1-based position, for error messages. */
export function describe(token: Token): string {
  const position = `at position ${token.position + 1}`;
  if (token.kind === 'word') return `"${token.text}" ${position}`;
  if (token.kind === 'string') return `the string ${JSON.stringify(token.value)} ${position}`;
  return `"${token.kind}" ${position}`;
}
