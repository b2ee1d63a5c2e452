import type { ResourceTypeDefinition } from './resource-types.js';

type JsonObject = Record<string, unknown>;

/**
 * Removes the attributes whose `returned` is `never` (RFC 7643 §7), such as `password`, from a
 * stored resource before it leaves the server.
 */
// TODO: `attributes`/`excludedAttributes` and `returned: request` are not applied yet.
export function removeNeverReturned(
  resourceType: ResourceTypeDefinition,
  resource: JsonObject,
): JsonObject {
  const shaped: JsonObject = { ...resource };
  for (const definition of resourceType.schema.attributes) {
    if (definition.returned === 'never') delete shaped[definition.name];
  }

  for (const { schema } of resourceType.extensions) {
    const values = shaped[schema.id];
    if (typeof values !== 'object' || values === null) continue;

    const extension: JsonObject = { ...(values as JsonObject) };
    for (const definition of schema.attributes) {
      if (definition.returned === 'never') delete extension[definition.name];
    }
    shaped[schema.id] = extension;
  }
  return shaped;
}
