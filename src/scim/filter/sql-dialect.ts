import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../storage/dialects/types.js';

type Expression = RawBuilder<unknown>;

/** The SQL a filter compiles to that differs between SQLite and PostgreSQL. */
export interface FilterSqlDialect {
  /**
   * Reads the scalar at `keys` inside a JSON document: text for strings, a number for numbers,
   * and for booleans what `jsonBoolean` compares with.
   */
  jsonScalar(document: Expression, keys: readonly string[], type: 'text' | 'number'): Expression;
  /** The value `jsonScalar` reads for a JSON boolean. */
  jsonBoolean(value: boolean): Expression;
  /** A FROM item listing the elements of the JSON array at `keys`, with the element in `alias.value`. */
  arrayElements(document: Expression, keys: readonly string[], alias: string): Expression;
  /** Whether the JSON object at `keys` has a member that is neither null nor "". */
  objectHasValue(document: Expression, keys: readonly string[]): RawBuilder<SqlBool>;
  /** Whether `text` contains, starts with or ends with `literal`, each character taken as itself. */
  contains(text: Expression, literal: string): RawBuilder<SqlBool>;
  startsWith(text: Expression, literal: string): RawBuilder<SqlBool>;
  endsWith(text: Expression, literal: string): RawBuilder<SqlBool>;
  /** The text with the collation that orders strings by code point. */
  ordered(text: Expression): Expression;
}

// SQLite: JSON is TEXT read with json_extract and json_each; the BINARY collation compares UTF-8
// bytes, which is code-point order. instr and substr treat % and _ as plain characters.
const sqliteFilterSql: FilterSqlDialect = {
  jsonScalar: (document, keys) => sql`json_extract(${document}, ${sqlitePath(keys)})`,
  jsonBoolean: (value) => sql.lit(value ? 1 : 0),
  arrayElements: (document, keys, alias) =>
    sql`json_each(${document}, ${sqlitePath(keys)}) as ${sql.ref(alias)}`,
  objectHasValue: (document, keys) =>
    sql<SqlBool>`exists (select 1 from json_each(${document}, ${sqlitePath(keys)}) as object_member where object_member.value is not null and object_member.value <> '')`,
  contains: (text, literal) => sql<SqlBool>`instr(${text}, ${literal}) > 0`,
  startsWith: (text, literal) => sql<SqlBool>`substr(${text}, 1, length(${literal})) = ${literal}`,
  endsWith: (text, literal) => sql<SqlBool>`substr(${text}, -length(${literal})) = ${literal}`,
  ordered: (text) => text,
};

// PostgreSQL: JSON is jsonb read with #>> and jsonb_array_elements. COLLATE "C" compares bytes,
// which on UTF-8 is code-point order, whatever the database's default collation.
// NOTE: no built-in schema has integer or decimal attributes, so the `number` reads of both
// dialects have not run against a database.
const postgresFilterSql: FilterSqlDialect = {
  jsonScalar: (document, keys, type) =>
    type === 'number'
      ? sql`(${document} #>> ${[...keys]}::text[])::numeric`
      : sql`(${document} #>> ${[...keys]}::text[])`,
  jsonBoolean: (value) => sql.lit(value ? 'true' : 'false'),
  arrayElements: (document, keys, alias) =>
    sql`jsonb_array_elements(case when jsonb_typeof(${document} #> ${[...keys]}::text[]) = 'array' then ${document} #> ${[...keys]}::text[] else '[]'::jsonb end) as ${sql.ref(alias)}(value)`,
  objectHasValue: (document, keys) =>
    sql<SqlBool>`exists (select 1 from jsonb_each(case when jsonb_typeof(${document} #> ${[...keys]}::text[]) = 'object' then ${document} #> ${[...keys]}::text[] else '{}'::jsonb end) as object_member(key, value) where jsonb_typeof(object_member.value) <> 'null' and object_member.value <> '""'::jsonb)`,
  contains: (text, literal) => sql<SqlBool>`strpos(${text}, ${literal}::text) > 0`,
  startsWith: (text, literal) => sql<SqlBool>`starts_with(${text}, ${literal}::text)`,
  endsWith: (text, literal) =>
    sql<SqlBool>`right(${text}, length(${literal}::text)) = ${literal}::text`,
  ordered: (text) => sql`(${text}) collate "C"`,
};

/** Returns the filter SQL of a dialect. */
export function filterSql(dialect: DialectName): FilterSqlDialect {
  return dialect === 'postgres' ? postgresFilterSql : sqliteFilterSql;
}

/** Builds a SQLite JSON path with every key quoted, since URN keys contain colons and dots. */
function sqlitePath(keys: readonly string[]): string {
  return `$${keys.map((key) => `.${JSON.stringify(key)}`).join('')}`;
}
