import { ScimError } from '../errors.js';
import { isStorableText, UNSTORABLE_TEXT } from '../text.js';
import { type AttributeDefinition, findAttribute } from './attribute.js';
import { coerceValue } from './coerce.js';
import { resolveAttribute } from './resolve.js';
import { findResourceSchema, type ResourceTypeDefinition } from './resource-types.js';

/** A request body checked against its resource type, with attribute names in canonical case. */
export interface ValidatedResource {
  /** Schema URNs in canonical case, the core schema first. */
  schemas: string[];
  /** Client-writable attributes; extension attributes sit in an object under their schema URN. */
  values: Record<string, unknown>;
}

/** The options of a directory for input it does not know. */
export interface ReadOptions {
  /** Reject unknown attributes and schema URNs with 400 `invalidSyntax` instead of ignoring them. */
  readonly strict: boolean;
}

type JsonObject = Record<string, unknown>;

/**
 * Reads request input against a resource type's schemas. Read-only attributes are dropped
 * (RFC 7643 §7), null and empty values are unassigned (RFC 7643 §2.5), and unknown attributes
 * and schema URNs are collected in `ignored`, or rejected in strict mode. Errors name the
 * attribute path.
 */
export class ResourceReader {
  /** Paths of the unknown attributes and schema URNs that were ignored. */
  readonly ignored: string[] = [];

  constructor(
    readonly resourceType: ResourceTypeDefinition,
    readonly options: ReadOptions,
  ) {}

  /** Reads a whole resource, as sent to create or replace one. */
  readResource(body: unknown): ValidatedResource {
    if (!isObject(body)) {
      throw ScimError.of('invalidSyntax', 'the request body must be a JSON object');
    }

    const schemas = this.readSchemas(body);
    const values: JsonObject = {};
    for (const [key, value] of uniqueKeys(body, '')) {
      if (key.toLowerCase() === 'schemas') continue;
      this.readTopLevel(key, value, values, schemas);
    }

    this.checkRequired(values);
    return { schemas, values };
  }

  /** Checks that the resource type's required attributes have values. */
  checkRequired(values: JsonObject): void {
    for (const definition of this.resourceType.schema.attributes) {
      if (!definition.required || definition.mutability === 'readOnly') continue;
      if (values[definition.name] === undefined) throw invalidValue(definition.name, 'is required');
    }
  }

  /**
   * Reads one attribute's value; returns undefined when it is read-only or unassigned.
   * `path` names the attribute in errors.
   */
  readAttribute(definition: AttributeDefinition, value: unknown, path: string): unknown {
    if (definition.mutability === 'readOnly') return undefined;
    if (value === null) return undefined;

    if (!definition.multiValued) return this.readSingle(definition, value, path);

    if (!Array.isArray(value)) throw invalidValue(path, 'must be an array');
    const items = value
      .map((item, index) => {
        if (item === null) throw invalidValue(`${path}[${index}]`, 'must not be null');
        return this.readSingle(definition, item, `${path}[${index}]`);
      })
      .filter((item) => item !== undefined);

    checkPrimary(items, path);
    return items.length > 0 ? items : undefined;
  }

  /** Reads one value of an attribute, or one element of a multi-valued one. */
  readSingle(definition: AttributeDefinition, raw: unknown, path: string): unknown {
    const value = coerceValue(definition, raw);
    if (definition.type === 'complex') {
      return this.readComplex(definition.subAttributes ?? [], value, path);
    }

    if (!hasType(definition, value)) {
      throw invalidValue(path, `must be ${TYPE_NAMES[definition.type]}`);
    }
    if (typeof value === 'string' && !isStorableText(value)) {
      throw invalidValue(path, `must not contain ${UNSTORABLE_TEXT}`);
    }
    if (definition.required && typeof value === 'string' && value.trim() === '') {
      throw invalidValue(path, 'must not be empty');
    }
    return value;
  }

  /** Reads a complex value; `separator` joins `path` and a sub-attribute name (`:` after a URN). */
  readComplex(
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
        this.unknown(`${path}${separator}${key}`);
        continue;
      }

      const checked = this.readAttribute(definition, item, `${path}${separator}${definition.name}`);
      if (checked !== undefined) result[definition.name] = checked;
    }
    return Object.keys(result).length > 0 ? result : undefined;
  }

  /** Records an unknown name, or rejects it in strict mode. */
  unknown(path: string): void {
    if (this.options.strict) {
      throw ScimError.of(
        'invalidSyntax',
        `${path} is not an attribute of ${this.resourceType.name}`,
      );
    }
    this.ignored.push(path);
  }

  private readTopLevel(key: string, value: unknown, values: JsonObject, schemas: string[]): void {
    const extension = findResourceSchema(this.resourceType, key);
    if (extension && extension !== this.resourceType.schema) {
      // Attributes of a known extension are accepted even when `schemas` omits its URN.
      if (!schemas.includes(extension.id)) schemas.push(extension.id);
      if (value === null) return;
      const checked = this.readComplex(extension.attributes, value, extension.id, ':');
      if (checked !== undefined) {
        values[extension.id] = { ...(values[extension.id] as JsonObject), ...checked };
      }
      return;
    }

    const resolved = resolveAttribute(this.resourceType, key);
    if (!resolved || resolved.rest !== undefined) {
      this.unknown(key);
      return;
    }

    const { definition, isCore, schema } = resolved;
    const path = isCore ? definition.name : `${schema.id}:${definition.name}`;
    const checked = this.readAttribute(definition, value, path);
    if (checked === undefined) return;
    if (isCore) {
      values[definition.name] = checked;
    } else {
      if (!schemas.includes(schema.id)) schemas.push(schema.id);
      values[schema.id] = { ...(values[schema.id] as JsonObject), [definition.name]: checked };
    }
  }

  private readSchemas(body: JsonObject): string[] {
    const { resourceType } = this;
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
      if (schema) {
        schemas.add(schema.id);
      } else if (this.options.strict) {
        throw ScimError.of(
          'invalidSyntax',
          `schemas contains ${JSON.stringify(urn)}, which is not a schema of ${resourceType.name}`,
        );
      } else {
        this.ignored.push(`schemas: ${JSON.stringify(urn)}`);
      }
    }

    if (!schemas.has(resourceType.schema.id)) {
      throw ScimError.of('invalidSyntax', `schemas must include ${resourceType.schema.id}`);
    }
    return [
      resourceType.schema.id,
      ...[...schemas].filter((urn) => urn !== resourceType.schema.id),
    ];
  }
}

/** RFC 7643 §2.4: the primary value may be marked true at most once. */
export function checkPrimary(items: unknown[], path: string): void {
  const primaries = items.filter((item) => isObject(item) && item.primary === true);
  if (primaries.length > 1) {
    throw invalidValue(path, 'must have at most one value with primary true');
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

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalidValue(path: string, problem: string): ScimError {
  return ScimError.of('invalidValue', `${path} ${problem}`);
}
