import { InvalidFieldError } from './errors.js';

/** Reads a required, trimmed, non-empty string of at most `maxLength` characters. */
export function requireString(
  body: Record<string, unknown>,
  field: string,
  maxLength = 200,
): string {
  const value = body[field];
  if (value === undefined || value === null) throw new InvalidFieldError(field, 'is required');
  return checkString(value, field, maxLength);
}

/** Reads an optional string; absent or null gives undefined. */
export function optionalString(
  body: Record<string, unknown>,
  field: string,
  maxLength = 1000,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  return checkString(value, field, maxLength);
}

function checkString(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string') throw new InvalidFieldError(field, 'must be a string');

  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidFieldError(field, 'must not be empty');
  if (trimmed.length > maxLength) {
    throw new InvalidFieldError(field, `must be at most ${maxLength} characters long`);
  }
  return trimmed;
}

/** Checks that a request body is a JSON object and returns it. */
export function requireObject(body: unknown, field = 'body'): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidFieldError(field, 'must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Rejects fields that the call does not know, so that a typo never passes silently. */
export function rejectUnknownFields(body: Record<string, unknown>, known: readonly string[]): void {
  for (const field of Object.keys(body)) {
    if (!known.includes(field)) {
      throw new InvalidFieldError(field, `is not a known field; expected ${known.join(', ')}`);
    }
  }
}
