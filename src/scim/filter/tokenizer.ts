import { ScimError } from '../errors.js';

/**
 * A lexical token of a filter. `word` covers attribute paths, operators, keywords and number and
 * boolean literals; `string` is a JSON string literal, already decoded.
 */
export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: '(' | ')' | '[' | ']'; readonly position: number };

const PUNCTUATION = new Set(['(', ')', '[', ']']);

/** Splits a filter into tokens; throws `invalidFilter` on an unterminated or invalid string. */
export function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;

  while (index < filter.length) {
    const char = filter[index]!;

    if (char === ' ') {
      index += 1;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as '(' | ')' | '[' | ']', position: index });
      index += 1;
    } else if (char === '"') {
      const end = findStringEnd(filter, index);
      tokens.push({ kind: 'string', value: decodeString(filter, index, end), position: index });
      index = end + 1;
    } else {
      const start = index;
      while (index < filter.length && !isDelimiter(filter[index]!)) index += 1;
      tokens.push({ kind: 'word', text: filter.slice(start, index), position: start });
    }
  }
  return tokens;
}

function isDelimiter(char: string): boolean {
  return char === ' ' || char === '"' || PUNCTUATION.has(char);
}

/** Returns the index of the quote that closes the string opened at `start`. */
function findStringEnd(filter: string, start: number): number {
  let index = start + 1;
  while (index < filter.length) {
    if (filter[index] === '\\') {
      index += 2;
    } else if (filter[index] === '"') {
      return index;
    } else {
      index += 1;
    }
  }
  throw ScimError.of('invalidFilter', `the string starting at position ${start + 1} is not closed`);
}

/** Decodes a string literal with the escapes of JSON (RFC 7644 §3.4.2.2 uses JSON strings). */
function decodeString(filter: string, start: number, end: number): string {
  try {
    return JSON.parse(filter.slice(start, end + 1)) as string;
  } catch {
    throw ScimError.of(
      'invalidFilter',
      `the string starting at position ${start + 1} is not a valid JSON string`,
    );
  }
}
