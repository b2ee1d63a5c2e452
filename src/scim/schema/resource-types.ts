import type { SchemaDefinition } from './attribute.js';
import { groupSchema } from './group.js';
import { enterpriseUserSchema, userSchema } from './user.js';

/** A resource type: its endpoint, core schema and the extensions it accepts (RFC 7643 §6). */
export interface ResourceTypeDefinition {
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: SchemaDefinition;
  readonly extensions: readonly { readonly schema: SchemaDefinition; readonly required: boolean }[];
}

// TODO: per-directory extension schemas are not stored yet; every directory uses these
// definitions until the schema registry reads them from the database.
export const userResourceType: ResourceTypeDefinition = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false }],
};

export const groupResourceType: ResourceTypeDefinition = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [],
};

/** Every resource type this server serves, in the order discovery lists them. */
export const resourceTypes: readonly ResourceTypeDefinition[] = [
  userResourceType,
  groupResourceType,
];

/** Finds the core schema or an extension of the resource type by URN, case-insensitively. */
export function findResourceSchema(
  resourceType: ResourceTypeDefinition,
  urn: string,
): SchemaDefinition | undefined {
  const wanted = urn.toLowerCase();
  if (resourceType.schema.id.toLowerCase() === wanted) return resourceType.schema;
  return resourceType.extensions.find((extension) => extension.schema.id.toLowerCase() === wanted)
    ?.schema;
}
