import { ScimError } from '../errors.js';
import { isStorableText, UNSTORABLE_TEXT } from '../text.js';
import { type AttributeDefinition, findAttribute } from './attribute.js';
import { commonAttributes } from './common.js';
import { findResourceSchema, type ResourceTypeDefinition } from './resource-types.js';

/** A request body checked against its resource type, with attribute names in canonical case. */
export interface ValidatedResource {
  /** Schema URNs in canonical case, the core schema first. */
  schemas: string[];
  /** Client-writable attributes; extension attributes sit in an object under their schema URN. */
  values: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

/**
 * Checks a resource sent to create one: `schemas` lists the core schema and only known extensions,
 * every attribute is defined and has the right type. Read-only attributes are dropped (RFC 7643
 * §7), and null or empty values are unassigned (RFC 7643 §2.5). Throws a ScimError that names the
 * attribute.
 */
export function validateNewResource(
  resourceType: ResourceTypeDefinition,
  body: unknown,
): ValidatedResource {
  if (!isObject(body)) {
    throw ScimError.of('invalidSyntax', 'the request body must be a JSON object');
  }

  const schemas = readSchemas(resourceType, body);
  const coreAttributes = [...commonAttributes, ...resourceType.schema.attributes];
  const values: JsonObject = {};

  for (const [key, value] of uniqueKeys(body, '')) {
    if (key.toLowerCase() === 'schemas') continue;

    const extension = findResourceSchema(resourceType, key);
    if (extension && extension !== resourceType.schema) {
      if (!schemas.includes(extension.id)) {
        throw ScimError.of('invalidSyntax', `${key} is used but "schemas" does not list it`);
      }
      if (value === null) continue;
      const checked = readComplex(extension.attributes, value, extension.id, ':');
      if (checked !== undefined) values[extension.id] = checked;
      continue;
    }

    const definition = findAttribute(coreAttributes, key);
    if (!definition) {
      throw ScimError.of('invalidSyntax', `${key} is not an attribute of ${resourceType.name}`);
    }
    const checked = readValue(definition, value, definition.name);
    if (checked !== undefined) values[definition.name] = checked;
  }

  checkRequired(resourceType.schema.attributes, values, '', '.');
  return { schemas, values };
}

function readSchemas(resourceType: ResourceTypeDefinition, body: JsonObject): string[] {
  const value = Object.entries(body).find(([key]) => key.toLowerCase() === 'schemas')?.[1];
  if (!Array.isArray(value) || value.length === 0) {
    throw ScimError.of(
      'invalidSyntax',
      `schemas must be a non-empty array of schema URNs including ${resourceType.schema.id}`,
    );
  }

  const schemas = new Set<string>();
  for (const urn of value) {
    const schema = typeof urn === 'string' ? findResourceSchema(resourceType, urn) : undefined;
    if (!schema) {
      throw ScimError.of(
        'invalidSyntax',
        `schemas contains ${JSON.stringify(urn)}, which is not a schema of ${resourceType.name}`,
      );
    }
    schemas.add(schema.id);
  }

  if (!schemas.has(resourceType.schema.id)) {
    throw ScimError.of('invalidSyntax', `schemas must include ${resourceType.schema.id}`);
  }
  return [resourceType.schema.id, ...[...schemas].filter((urn) => urn !== resourceType.schema.id)];
}

/** Reads one attribute's value; returns undefined when it is read-only or unassigned. */
function readValue(definition: AttributeDefinition, value: unknown, path: string): unknown {
  if (definition.mutability === 'readOnly') return undefined;
  if (value === null) return undefined;

  if (!definition.multiValued) return readSingle(definition, value, path);

  if (!Array.isArray(value)) throw invalidValue(path, 'must be an array');
  const items = value
    .map((item, index) => {
      if (item === null) throw invalidValue(`${path}[${index}]`, 'must not be null');
      return readSingle(definition, item, `${path}[${index}]`);
    })
    .filter((item) => item !== undefined);

  // RFC 7643 §2.4: the primary value may be marked true at most once.
  const primaries = items.filter((item) => isObject(item) && item.primary === true);
  if (primaries.length > 1)
    throw invalidValue(path, 'must have at most one value with primary true');

  return items.length > 0 ? items : undefined;
}

function readSingle(definition: AttributeDefinition, value: unknown, path: string): unknown {
  if (definition.type === 'complex') {
    return readComplex(definition.subAttributes ?? [], value, path);
  }

  if (!hasType(definition, value))
    throw invalidValue(path, `must be ${TYPE_NAMES[definition.type]}`);
  if (typeof value === 'string' && !isStorableText(value)) {
    throw invalidValue(path, `must not contain ${UNSTORABLE_TEXT}`);
  }
  if (definition.required && typeof value === 'string' && value.trim() === '') {
    throw invalidValue(path, 'must not be empty');
  }
  return value;
}

/** Reads a complex value; `separator` joins `path` and a sub-attribute name (`:` after a URN). */
function readComplex(
  subAttributes: readonly AttributeDefinition[],
  value: unknown,
  path: string,
  separator: '.' | ':' = '.',
): JsonObject | undefined {
  if (!isObject(value)) throw invalidValue(path, 'must be an object');

  const result: JsonObject = {};
  for (const [key, item] of uniqueKeys(value, path)) {
    const definition = findAttribute(subAttributes, key);
    if (!definition) {
      throw ScimError.of('invalidSyntax', `${path}${separator}${key} is not a defined attribute`);
    }

    const checked = readValue(definition, item, `${path}${separator}${definition.name}`);
    if (checked !== undefined) result[definition.name] = checked;
  }

  checkRequired(subAttributes, result, path, separator);
  return Object.keys(result).length > 0 ? result : undefined;
}

function checkRequired(
  attributes: readonly AttributeDefinition[],
  values: JsonObject,
  path: string,
  separator: '.' | ':',
): void {
  for (const definition of attributes) {
    if (!definition.required || definition.mutability === 'readOnly') continue;
    if (values[definition.name] !== undefined) continue;
    throw invalidValue(
      path ? `${path}${separator}${definition.name}` : definition.name,
      'is required',
    );
  }
}

/**
 * Lists an object's entries, rejecting names that differ only in case, because attribute names
 * are case-insensitive (RFC 7643 §2.1) and the two values would compete.
 */
function uniqueKeys(value: JsonObject, path: string): [string, unknown][] {
  const seen = new Map<string, string>();
  for (const key of Object.keys(value)) {
    const earlier = seen.get(key.toLowerCase());
    if (earlier !== undefined) {
      const where = path ? ` in ${path}` : '';
      throw ScimError.of('invalidSyntax', `${earlier} and ${key}${where} name the same attribute`);
    }
    seen.set(key.toLowerCase(), key);
  }
  return Object.entries(value);
}

const TYPE_NAMES: Record<AttributeDefinition['type'], string> = {
  string: 'a string',
  boolean: 'a boolean',
  decimal: 'a number',
  integer: 'an integer',
  dateTime: 'an xsd:dateTime string such as 2025-01-23T04:56:22Z',
  binary: 'a base64-encoded string',
  reference: 'a URI string',
  complex: 'an object',
};

// xsd:dateTime (RFC 7643 §2.3.5); the time zone is optional in XML Schema.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function hasType(definition: AttributeDefinition, value: unknown): boolean {
  switch (definition.type) {
    case 'string':
    case 'reference':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'dateTime':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
    case 'binary':
      return typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value);
    case 'complex':
      return isObject(value);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidValue(path: string, problem: string): ScimError {
  return ScimError.of('invalidValue', `${path} ${problem}`);
}
