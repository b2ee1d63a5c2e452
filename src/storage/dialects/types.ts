/** The SQL engines scimd stores its data in. */
export type DialectName = 'sqlite' | 'postgres';

/** What differs between the dialects, kept in one module per dialect. */
export interface DialectHelpers {
  readonly name: DialectName;
  /** Column type for a JSON document. */
  readonly jsonColumnType: 'text' | 'jsonb';
  /** Converts a JSON value to what the driver writes into a JSON column. */
  toJson(value: unknown): unknown;
  /** Reads a JSON column as returned by the driver. */
  parseJson<T>(value: unknown): T;
  /** Whether an error thrown by the driver is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
}
