/** A value that can appear on the right of a filter comparison (RFC 7644 §3.4.2.2). */
export type FilterValue = string | number | boolean | null | Date;

/**
 * Writes a value as a filter literal: strings are JSON strings, so quotes and backslashes are
 * escaped; a Date becomes its ISO 8601 form in quotes; numbers, booleans and null are bare.
 */
export function filterValue(value: FilterValue): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`a filter value must be a finite number, got ${value}`);
  }
  return JSON.stringify(value);
}

/**
 * Builds a SCIM filter from a template, writing each interpolated value as a quoted and escaped
 * literal, so that no value can change the filter's structure.
 *
 * @example
 * ```ts
 * scimFilter`userName eq ${input} and active eq ${true}`;
 * // 'userName eq "o\\"brien@example.com" and active eq true' for input o"brien@example.com
 * ```
 */
export function scimFilter(strings: TemplateStringsArray, ...values: FilterValue[]): string {
  let filter = strings[0] ?? '';
  values.forEach((value, index) => {
    filter += filterValue(value) + (strings[index + 1] ?? '');
  });
  return filter;
}
