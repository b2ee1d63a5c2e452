import type { DialectHelpers } from './types.js';

export const sqliteHelpers: DialectHelpers = {
  name: 'sqlite',
  jsonColumnType: 'text',
  toJson: (value) => JSON.stringify(value),
  parseJson: <T>(value: unknown) => JSON.parse(String(value)) as T,
  isUniqueViolation: (error) =>
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
};
