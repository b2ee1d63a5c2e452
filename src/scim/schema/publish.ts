import type { AttributeDefinition, SchemaDefinition } from './attribute.js';
import type { ResourceTypeDefinition } from './resource-types.js';

export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

type JsonObject = Record<string, unknown>;

/** Builds the `/Schemas` representation of a schema (RFC 7643 §7) from the validation definitions. */
export function publishSchema(schema: SchemaDefinition, location: string): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(publishAttribute),
    meta: { resourceType: 'Schema', location },
  };
}

/** Builds the `/ResourceTypes` representation of a resource type (RFC 7643 §6). */
export function publishResourceType(
  resourceType: ResourceTypeDefinition,
  location: string,
): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.name,
    name: resourceType.name,
    endpoint: resourceType.endpoint,
    description: resourceType.description,
    schema: resourceType.schema.id,
    schemaExtensions: resourceType.extensions.map(({ schema, required }) => ({
      schema: schema.id,
      required,
    })),
    meta: { resourceType: 'ResourceType', location },
  };
}

function publishAttribute(definition: AttributeDefinition): JsonObject {
  return {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
    ...(definition.canonicalValues ? { canonicalValues: definition.canonicalValues } : {}),
    ...(definition.referenceTypes ? { referenceTypes: definition.referenceTypes } : {}),
    ...(definition.subAttributes
      ? { subAttributes: definition.subAttributes.map(publishAttribute) }
      : {}),
  };
}
