import { attribute, type SchemaDefinition } from './attribute.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The core Group schema of RFC 7643 §4.2 and §8.7.1. */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'string', {
      required: true,
      uniqueness: 'server',
      description: 'Name of the group, unique within the directory, case-insensitive.',
    }),
    attribute('members', 'complex', {
      multiValued: true,
      description: 'Users and groups of the same directory that belong to the group.',
      subAttributes: [
        attribute('value', 'string', { mutability: 'immutable', caseExact: true }),
        attribute('$ref', 'reference', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
    }),
  ],
};
