import { type AttributeDefinition, findAttribute, type SchemaDefinition } from './attribute.js';
import { commonAttributes } from './common.js';
import { findResourceSchema, type ResourceTypeDefinition } from './resource-types.js';

/** An attribute name resolved against a resource type. */
export interface ResolvedAttribute {
  /** The schema that defines the attribute. */
  readonly schema: SchemaDefinition;
  /** Whether the schema is the resource type's core schema (its attributes sit at the top level). */
  readonly isCore: boolean;
  readonly definition: AttributeDefinition;
  /** The rest of the name after the attribute, such as `givenName` in `name.givenName`. */
  readonly rest: string | undefined;
}

/** Lists the attributes of a schema of the resource type, with the common ones for the core schema. */
export function schemaAttributes(
  resourceType: ResourceTypeDefinition,
  schema: SchemaDefinition,
): readonly AttributeDefinition[] {
  return schema === resourceType.schema
    ? [...commonAttributes, ...schema.attributes]
    : schema.attributes;
}

/**
 * Splits a possibly URN-qualified name (`urn:…:User:name.givenName`, RFC 7644 §3.10) into its
 * schema and the name inside it. Returns undefined for a URN prefix the resource type lacks.
 */
export function splitSchemaPrefix(
  resourceType: ResourceTypeDefinition,
  name: string,
): { schema: SchemaDefinition; name: string } | undefined {
  if (!name.toLowerCase().startsWith('urn:')) return { schema: resourceType.schema, name };

  // The URN ends at the last colon before the first dot, since URNs contain dots (`2.0`).
  const dot = name.indexOf('.', name.lastIndexOf(':'));
  const head = dot >= 0 ? name.slice(0, dot) : name;
  const colon = head.lastIndexOf(':');
  const schema = findResourceSchema(resourceType, name.slice(0, colon));
  if (!schema) return undefined;
  return { schema, name: name.slice(colon + 1) };
}

/**
 * Resolves `attr`, `attr.sub` or a URN-qualified form to its definition, case-insensitively
 * (RFC 7643 §2.1). Returns undefined for a name the resource type does not define.
 */
export function resolveAttribute(
  resourceType: ResourceTypeDefinition,
  name: string,
): ResolvedAttribute | undefined {
  const split = splitSchemaPrefix(resourceType, name);
  if (!split) return undefined;

  const dot = split.name.indexOf('.');
  const head = dot >= 0 ? split.name.slice(0, dot) : split.name;
  const definition = findAttribute(schemaAttributes(resourceType, split.schema), head);
  if (!definition) return undefined;

  return {
    schema: split.schema,
    isCore: split.schema === resourceType.schema,
    definition,
    rest: dot >= 0 ? split.name.slice(dot + 1) : undefined,
  };
}
