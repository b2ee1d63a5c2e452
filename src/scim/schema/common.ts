import { type AttributeDefinition, attribute } from './attribute.js';

/** Attributes every resource carries besides its schemas' own (RFC 7643 §3.1). */
export const commonAttributes: readonly AttributeDefinition[] = [
  attribute('id', 'string', {
    mutability: 'readOnly',
    returned: 'always',
    caseExact: true,
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', { caseExact: true }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', { mutability: 'readOnly', caseExact: true }),
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('location', 'reference', { mutability: 'readOnly', referenceTypes: ['uri'] }),
      attribute('version', 'string', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
];
