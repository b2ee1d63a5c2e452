import { ScimError } from '../errors.js';
import { findAttribute } from './attribute.js';
import { resolveAttribute, schemaAttributes } from './resolve.js';
import { findResourceSchema, type ResourceTypeDefinition } from './resource-types.js';

type JsonObject = Record<string, unknown>;

/** An attribute named in `attributes` or `excludedAttributes`, in canonical spelling. */
interface NamedAttribute {
  /** Top-level key: the attribute name for the core schema, the URN for an extension. */
  readonly key: string;
  /** Attribute inside an extension; undefined for a core attribute or a whole extension. */
  readonly attribute?: string;
  readonly subAttribute?: string;
}

/** The `attributes` or `excludedAttributes` of a request (RFC 7644 §3.4.2.5); at most one. */
export interface Projection {
  readonly include?: readonly NamedAttribute[];
  readonly exclude?: readonly NamedAttribute[];
}

type QueryParameters = Record<string, string | string[] | undefined>;

/** Maximum number of names in one `attributes` or `excludedAttributes` list, a chosen value. */
export const MAX_PROJECTION_NAMES = 100;

/**
 * Reads `attributes` and `excludedAttributes`: comma-separated names, case-insensitive and
 * optionally URN-qualified. Names the resource type does not define are ignored.
 */
export function parseProjection(
  resourceType: ResourceTypeDefinition,
  query: QueryParameters,
): Projection {
  const include = readNames(resourceType, query, 'attributes');
  const exclude = readNames(resourceType, query, 'excludedAttributes');
  if (include && exclude) {
    throw ScimError.of('invalidSyntax', 'send attributes or excludedAttributes, not both');
  }
  return { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
}

/** Checks whether the request names `attributes` or `excludedAttributes`. */
export function isProjected(projection: Projection): boolean {
  return projection.include !== undefined || projection.exclude !== undefined;
}

/** Checks whether a response shaped by the projection shows a core attribute, such as `members`. */
export function showsAttribute(projection: Projection, name: string): boolean {
  if (projection.include) return projection.include.some((named) => named.key === name);
  return !projection.exclude?.some((named) => named.key === name && !named.subAttribute);
}

/**
 * Shapes a full resource for a response: drops `returned: never` attributes (RFC 7643 §7), then
 * keeps only the requested attributes or removes the excluded ones. `schemas`, `id` and other
 * `returned: always` attributes stay.
 */
export function shapeResource(
  resourceType: ResourceTypeDefinition,
  resource: JsonObject,
  projection: Projection,
): JsonObject {
  const shaped = removeNeverReturned(resourceType, resource);
  const always = (key: string) =>
    key === 'schemas' ||
    findAttribute(schemaAttributes(resourceType, resourceType.schema), key)?.returned === 'always';

  if (projection.include) {
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(shaped)) {
      if (always(key)) {
        result[key] = value;
        continue;
      }
      const named = projection.include.filter((entry) => entry.key === key);
      const kept = keep(value, named);
      if (kept !== undefined) result[key] = kept;
    }
    return result;
  }

  for (const named of projection.exclude ?? []) {
    if (always(named.key) || shaped[named.key] === undefined) continue;
    shaped[named.key] = drop(shaped[named.key], named);
    if (shaped[named.key] === undefined) delete shaped[named.key];
  }
  return shaped;
}

/** Keeps the parts of one top-level value that the named entries ask for. */
function keep(value: unknown, named: readonly NamedAttribute[]): unknown {
  if (named.length === 0) return undefined;
  if (named.some((entry) => entry.attribute === undefined && entry.subAttribute === undefined)) {
    return value;
  }

  const pick = (item: unknown, names: string[]) => {
    if (typeof item !== 'object' || item === null) return item;
    const picked = Object.fromEntries(
      Object.entries(item as JsonObject).filter(([name]) => names.includes(name)),
    );
    return Object.keys(picked).length > 0 ? picked : undefined;
  };

  // Core attribute with sub-attributes named, or extension with attributes named.
  const isExtension = named.some((entry) => entry.attribute !== undefined);
  if (!isExtension) {
    const subs = named.map((entry) => entry.subAttribute!);
    if (!Array.isArray(value)) return pick(value, subs);
    const items = value.map((item) => pick(item, subs)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }

  const extension = value as JsonObject;
  const result: JsonObject = {};
  for (const entry of named) {
    const item = extension[entry.attribute!];
    if (item === undefined) continue;
    result[entry.attribute!] = entry.subAttribute ? pick(item, [entry.subAttribute]) : item;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Removes one named part of a top-level value; returns undefined when nothing is left. */
function drop(value: unknown, named: NamedAttribute): unknown {
  const without = (item: unknown, name: string) => {
    if (typeof item !== 'object' || item === null) return item;
    const { [name]: _removed, ...rest } = item as JsonObject;
    return Object.keys(rest).length > 0 ? rest : undefined;
  };

  if (named.attribute === undefined && named.subAttribute === undefined) return undefined;
  if (named.attribute === undefined) {
    if (!Array.isArray(value)) return without(value, named.subAttribute!);
    return value.map((item) => without(item, named.subAttribute!)).filter((i) => i !== undefined);
  }

  const extension = { ...(value as JsonObject) };
  extension[named.attribute] = named.subAttribute
    ? without(extension[named.attribute], named.subAttribute)
    : undefined;
  if (extension[named.attribute] === undefined) delete extension[named.attribute];
  return Object.keys(extension).length > 0 ? extension : undefined;
}

/** Removes the attributes whose `returned` is `never`, such as `password`. */
function removeNeverReturned(
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

function readNames(
  resourceType: ResourceTypeDefinition,
  query: QueryParameters,
  parameter: string,
): NamedAttribute[] | undefined {
  const value = query[parameter];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    throw ScimError.of('invalidValue', `the ${parameter} query parameter is given more than once`);
  }

  const texts = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (texts.length > MAX_PROJECTION_NAMES) {
    throw ScimError.of(
      'invalidValue',
      `${parameter} lists ${texts.length} names; the limit is ${MAX_PROJECTION_NAMES}`,
    );
  }

  const names: NamedAttribute[] = [];
  for (const text of texts) {
    const named = resolveName(resourceType, text);
    if (named) names.push(named);
  }
  return names;
}

function resolveName(
  resourceType: ResourceTypeDefinition,
  text: string,
): NamedAttribute | undefined {
  const extension = findResourceSchema(resourceType, text);
  if (extension && extension !== resourceType.schema) return { key: extension.id };

  const resolved = resolveAttribute(resourceType, text);
  if (!resolved) return undefined;

  const { definition, rest, isCore, schema } = resolved;
  const sub = rest !== undefined ? findAttribute(definition.subAttributes ?? [], rest) : undefined;
  if (rest !== undefined && !sub) return undefined;

  if (isCore) {
    return { key: definition.name, ...(sub ? { subAttribute: sub.name } : {}) };
  }
  return { key: schema.id, attribute: definition.name, ...(sub ? { subAttribute: sub.name } : {}) };
}
