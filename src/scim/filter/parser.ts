import { ScimError } from '../errors.js';
import {
  type AttributePath,
  COMPARE_OPERATORS,
  type CompareOperator,
  type CompareValue,
  type FilterNode,
} from './ast.js';
import { type Token, tokenize } from './tokenizer.js';

const LOGICAL_OPERATORS = ['and', 'or', 'not'];

// ATTRNAME = ALPHA *(nameChar), plus `$ref` (RFC 7643 §2.1, RFC 7644 §3.4.2.2).
const ATTRIBUTE_NAME = /^(?:[A-Za-z][\w-]*|\$ref)$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a filter (RFC 7644 §3.4.2.2) into a syntax tree. Operators and keywords are
 * case-insensitive. Throws `invalidFilter` naming what is wrong or not supported.
 */
export function parseFilter(filter: string): FilterNode {
  const tokens = tokenize(filter);
  if (tokens.length === 0) throw ScimError.of('invalidFilter', 'the filter is empty');

  rejectUnsupported(tokens);

  const [pathToken, operatorToken, valueToken, extra] = tokens;
  const path = parsePath(pathToken!);

  if (operatorToken?.kind !== 'word') {
    throw ScimError.of('invalidFilter', `expected an operator after ${describe(pathToken!)}`);
  }
  const operator = operatorToken.text.toLowerCase();

  if (operator === 'pr') {
    if (valueToken) throw unexpected(valueToken);
    return { kind: 'present', path };
  }
  if (!isCompareOperator(operator)) {
    throw ScimError.of(
      'invalidFilter',
      `${describe(operatorToken)} is not a filter operator; expected one of ${COMPARE_OPERATORS.join(', ')}, pr`,
    );
  }

  if (!valueToken) {
    throw ScimError.of('invalidFilter', `expected a value after ${describe(operatorToken)}`);
  }
  if (extra) throw unexpected(extra);
  return { kind: 'compare', path, operator, value: parseValue(valueToken) };
}

function rejectUnsupported(tokens: Token[]): void {
  for (const token of tokens) {
    if (token.kind === '(' || token.kind === ')') {
      throw ScimError.of('invalidFilter', 'grouping with parentheses is not supported yet');
    }
    if (token.kind === '[' || token.kind === ']') {
      throw ScimError.of('invalidFilter', 'value path filters in brackets are not supported yet');
    }
    if (token.kind === 'word' && LOGICAL_OPERATORS.includes(token.text.toLowerCase())) {
      throw ScimError.of(
        'invalidFilter',
        `the logical operator "${token.text}" is not supported yet; send one comparison`,
      );
    }
  }
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
    throw ScimError.of('invalidFilter', `"${text}" is not a valid attribute path`);
  }
  return {
    ...(schema !== undefined ? { schema } : {}),
    attribute: attribute!,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
  };
}

function parseValue(token: Token): CompareValue {
  if (token.kind === 'string') return token.value;
  if (token.kind !== 'word') throw unexpected(token);

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

function unexpected(token: Token): ScimError {
  return ScimError.of('invalidFilter', `${describe(token)} is unexpected after the comparison`);
}

function describe(token: Token): string {
  const position = `at position ${token.position + 1}`;
  if (token.kind === 'word') return `"${token.text}" ${position}`;
  if (token.kind === 'string') return `the string ${JSON.stringify(token.value)} ${position}`;
  return `"${token.kind}" ${position}`;
}
