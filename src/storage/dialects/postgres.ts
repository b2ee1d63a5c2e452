import type { DialectHelpers } from './types.js';

// SQLSTATE 23505 is unique_violation.
const UNIQUE_VIOLATION = '23505';

export const postgresHelpers: DialectHelpers = {
  name: 'postgres',
  jsonColumnType: 'jsonb',
  // pg serializes plain objects itself but sends arrays as PostgreSQL arrays, so always send text.
  toJson: (value) => JSON.stringify(value),
  parseJson: <T>(value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as T,
  isUniqueViolation: (error) =>
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === UNIQUE_VIOLATION,
};
