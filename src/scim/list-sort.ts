import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../storage/dialects/types.js';
import { ScimError } from './errors.js';
import { type AttributeDefinition, findAttribute } from './schema/attribute.js';
import { resolveAttribute } from './schema/resolve.js';
import type { ResourceTypeDefinition } from './schema/resource-types.js';

/** The SQL value that orders resources for one `sortBy` attribute. */
export interface SortKey {
  /** Canonical attribute path, such as `name.familyName`; cursors are bound to it. */
  readonly attribute: string;
  /** Expression over the resource table; NULL for a resource without a value. */
  readonly expression: RawBuilder<unknown>;
}

/** Columns that store an attribute, by resource type and canonical path. */
const COLUMNS: Record<string, Record<string, string>> = {
  User: {
    id: 'id',
    externalId: 'external_id',
    userName: 'user_name_key',
    'meta.created': 'created_at',
    'meta.lastModified': 'updated_at',
  },
  Group: {
    id: 'id',
    externalId: 'external_id',
    displayName: 'display_name_key',
    'meta.created': 'created_at',
    'meta.lastModified': 'updated_at',
  },
};

const SORTABLE_TYPES = new Set([
  'string',
  'reference',
  'dateTime',
  'boolean',
  'integer',
  'decimal',
]);

/**
 * Resolves `sortBy` to an SQL expression: an indexed column where one stores the attribute
 * (`userName` and group `displayName` use their lower-cased key columns), else the value at the
 * attribute's JSON path, lower-cased when the attribute is not `caseExact`. Throws `invalidValue`
 * naming the attribute when it is unknown, multi-valued or complex.
 *
 * TODO: the filter compiler's `compileSortKey(path, resourceType, dialect)` replaces this
 * function once it lands; callers use only this signature.
 */
export function resolveSortKey(
  sortBy: string,
  resourceType: ResourceTypeDefinition,
  dialect: DialectName,
): SortKey {
  const resolved = resolveAttribute(resourceType, sortBy.trim());
  if (!resolved) {
    throw ScimError.of(
      'invalidValue',
      `sortBy ${sortBy} is not an attribute of ${resourceType.name}`,
    );
  }

  const { definition, rest, isCore, schema } = resolved;
  const sub = rest !== undefined ? findAttribute(definition.subAttributes ?? [], rest) : undefined;
  if (rest !== undefined && !sub) {
    throw ScimError.of(
      'invalidValue',
      `sortBy ${sortBy} is not an attribute of ${resourceType.name}`,
    );
  }

  const target: AttributeDefinition = sub ?? definition;
  if (definition.multiValued || target.multiValued) {
    throw ScimError.of(
      'invalidValue',
      `sortBy ${sortBy} is multi-valued; sort by a singular attribute`,
    );
  }
  if (!SORTABLE_TYPES.has(target.type)) {
    throw ScimError.of(
      'invalidValue',
      `sortBy ${sortBy} is complex; sort by one of its sub-attributes`,
    );
  }

  // An attribute that is never returned (password) must not leak through the order of a list.
  if (definition.returned === 'never' || target.returned === 'never') {
    throw ScimError.of(
      'invalidValue',
      `sortBy ${sortBy} is never returned, so lists cannot sort by it`,
    );
  }

  const path = sub ? [definition.name, sub.name] : [definition.name];
  const attribute = isCore ? path.join('.') : `${schema.id}:${path.join('.')}`;
  const column = isCore ? COLUMNS[resourceType.name]?.[attribute] : undefined;
  if (column) return { attribute, expression: collate(sql.ref(column), dialect) };

  // The other meta sub-attributes are computed per response, so no stored value exists to sort by.
  if (isCore && definition.name === 'meta') {
    throw ScimError.of(
      'invalidValue',
      `sortBy ${sortBy} is not supported; sort by meta.created or meta.lastModified`,
    );
  }

  const jsonPath = isCore ? path : [schema.id, ...path];
  return { attribute, expression: jsonValue(jsonPath, target, dialect) };
}

/**
 * Reads one value from the `resource` JSON column. Case-insensitive strings are lower-cased.
 * NOTE: SQLite's lower() changes only ASCII letters, so non-ASCII values of attributes without
 * a key column sort case-sensitively there.
 */
function jsonValue(
  path: readonly string[],
  definition: AttributeDefinition,
  dialect: DialectName,
): RawBuilder<unknown> {
  const isNumber = definition.type === 'integer' || definition.type === 'decimal';
  const isText = definition.type === 'string' || definition.type === 'reference';

  // SQLite's json_extract returns numbers and booleans (as 0 or 1) natively, and PostgreSQL's #>>
  // returns text, so numbers need a cast there while booleans sort as 'false' before 'true'.
  let value: RawBuilder<unknown>;
  if (dialect === 'postgres') {
    value = sql`(${sql.ref('resource')} #>> ${sql.val(path)}::text[])`;
    if (isNumber) return sql`(${value})::numeric`;
  } else {
    const jsonPath = `$${path.map((part) => `."${part}"`).join('')}`;
    value = sql`json_extract(${sql.ref('resource')}, ${jsonPath})`;
  }

  if (isText && !definition.caseExact) value = sql`lower(${value})`;
  return collate(value, dialect);
}

/**
 * Sorts text by code point in both databases: SQLite compares UTF-8 bytes by default, and
 * PostgreSQL does so under the "C" collation instead of the database's locale.
 */
function collate(expression: RawBuilder<unknown>, dialect: DialectName): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`(${expression} collate "C")` : expression;
}
