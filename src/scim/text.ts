// PostgreSQL rejects U+0000 in text and jsonb values, and an unpaired UTF-16 surrogate in jsonb.
// In text, the driver would replace such a surrogate with U+FFFD.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks that a string can be stored and compared on both databases: it has no U+0000 and no
 * unpaired surrogate. Values that fail can be rejected as bad input instead of failing in SQL.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

/** Description of the characters that `isStorableText` rejects, for error details. */
export const UNSTORABLE_TEXT = 'U+0000 or an unpaired UTF-16 surrogate';
