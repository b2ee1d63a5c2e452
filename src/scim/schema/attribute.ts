/** Data types of SCIM attributes (RFC 7643 §2.3). */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'binary'
  | 'reference'
  | 'complex';

/** Whether and when a client may set an attribute (RFC 7643 §7). */
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';

/** When an attribute appears in responses (RFC 7643 §7). */
export type Returned = 'always' | 'never' | 'default' | 'request';

/** Scope within which values must be unique (RFC 7643 §7). */
export type Uniqueness = 'none' | 'server' | 'global';

/** An attribute definition with the characteristics of RFC 7643 §2.2, as `/Schemas` publishes it. */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

/** A schema: its URN and the attributes it defines (RFC 7643 §7). */
export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/**
 * Builds an attribute definition, filling in the defaults of RFC 7643 §2.2 for every
 * characteristic that `options` leaves out.
 */
export function attribute(
  name: string,
  type: AttributeType,
  options: AttributeOptions = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/**
 * Builds a multi-valued complex attribute with the usual `value`, `display`, `type` and `primary`
 * sub-attributes (RFC 7643 §2.4); `value` has type `valueType`.
 */
export function multiValuedAttribute(
  name: string,
  description: string,
  options: { valueType?: AttributeType; types?: readonly string[] } = {},
): AttributeDefinition {
  const value = attribute('value', options.valueType ?? 'string', {
    ...(options.valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
  });
  return attribute(name, 'complex', {
    multiValued: true,
    description,
    subAttributes: [
      value,
      attribute('display', 'string'),
      attribute('type', 'string', options.types ? { canonicalValues: options.types } : {}),
      attribute('primary', 'boolean'),
    ],
  });
}

/** Finds an attribute by name; SCIM attribute names are case-insensitive (RFC 7643 §2.1). */
export function findAttribute(
  attributes: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  const wanted = name.toLowerCase();
  return attributes.find((candidate) => candidate.name.toLowerCase() === wanted);
}
