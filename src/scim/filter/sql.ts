import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { ScimError } from '../errors.js';
import { type AttributeDefinition, findAttribute } from '../schema/attribute.js';
import { commonAttributes } from '../schema/common.js';
import { findResourceSchema, type ResourceTypeDefinition } from '../schema/resource-types.js';
import { isStorableText, UNSTORABLE_TEXT } from '../text.js';
import { type FilterNode, formatPath } from './ast.js';

/** A table column that stores one attribute, for filtering in the database. */
export interface FilterColumn {
  readonly column: string;
  /** Whether the column stores the value lower-cased, for attributes with `caseExact` false. */
  readonly lowerCased: boolean;
}

/** Columns that filters may use, by canonical attribute path (`name.givenName`, `urn:…:department`). */
export type FilterColumns = Readonly<Record<string, FilterColumn>>;

/**
 * Compiles a filter into an SQL condition over the given columns. Throws `invalidFilter` for an
 * attribute the resource type does not define and for what is not supported yet.
 */
export function compileFilter(
  node: FilterNode,
  resourceType: ResourceTypeDefinition,
  columns: FilterColumns,
): RawBuilder<SqlBool> {
  const key = resolvePath(node, resourceType);
  const column = columns[key];
  if (!column) {
    throw ScimError.of(
      'invalidFilter',
      `filtering on ${key} is not supported yet; supported attributes: ${Object.keys(columns).join(', ')}`,
    );
  }

  // TODO: only `eq` on string columns compiles yet; the other operators need per-type SQL.
  if (node.kind === 'present') {
    throw ScimError.of('invalidFilter', 'the operator "pr" is not supported yet; only eq is');
  }
  if (node.operator !== 'eq') {
    throw ScimError.of(
      'invalidFilter',
      `the operator "${node.operator}" is not supported yet; only eq is`,
    );
  }
  if (typeof node.value !== 'string') {
    throw ScimError.of('invalidFilter', `${key} must be compared with a string value`);
  }

  if (!isStorableText(node.value)) {
    throw ScimError.of('invalidFilter', `the value for ${key} must not contain ${UNSTORABLE_TEXT}`);
  }

  const value = column.lowerCased ? node.value.toLowerCase() : node.value;
  return sql<SqlBool>`${sql.ref(column.column)} = ${value}`;
}

/** Returns the canonical path of the attribute a filter names, or throws `invalidFilter`. */
function resolvePath(node: FilterNode, resourceType: ResourceTypeDefinition): string {
  const { path } = node;
  const schema = path.schema ? findResourceSchema(resourceType, path.schema) : resourceType.schema;
  if (!schema) {
    throw ScimError.of('invalidFilter', `${path.schema} is not a schema of ${resourceType.name}`);
  }

  const isCore = schema === resourceType.schema;
  const attributes: readonly AttributeDefinition[] = isCore
    ? [...commonAttributes, ...schema.attributes]
    : schema.attributes;
  const definition = findAttribute(attributes, path.attribute);
  const subDefinition =
    definition && path.subAttribute !== undefined
      ? findAttribute(definition.subAttributes ?? [], path.subAttribute)
      : undefined;
  if (!definition || (path.subAttribute !== undefined && !subDefinition)) {
    throw ScimError.of(
      'invalidFilter',
      `${formatPath(path)} is not an attribute of ${resourceType.name}`,
    );
  }

  const name = subDefinition ? `${definition.name}.${subDefinition.name}` : definition.name;
  return isCore ? name : `${schema.id}:${name}`;
}
