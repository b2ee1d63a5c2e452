import { attribute, multiValuedAttribute, type SchemaDefinition } from './attribute.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const readOnlyString = (name: string) => attribute(name, 'string', { mutability: 'readOnly' });

/** The core User schema of RFC 7643 §4.1 and §8.7.1. */
export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'string', {
      required: true,
      uniqueness: 'server',
      description: 'Unique identifier for the User, unique within the directory, case-insensitive.',
    }),
    attribute('name', 'complex', {
      description: "The components of the user's real name.",
      subAttributes: [
        attribute('formatted', 'string'),
        attribute('familyName', 'string'),
        attribute('givenName', 'string'),
        attribute('middleName', 'string'),
        attribute('honorificPrefix', 'string'),
        attribute('honorificSuffix', 'string'),
      ],
    }),
    attribute('displayName', 'string'),
    attribute('nickName', 'string'),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
    attribute('title', 'string'),
    attribute('userType', 'string'),
    attribute('preferredLanguage', 'string'),
    attribute('locale', 'string'),
    attribute('timezone', 'string'),
    attribute('active', 'boolean', { description: 'Whether the account is active; default true.' }),
    attribute('password', 'string', {
      mutability: 'writeOnly',
      returned: 'never',
      description: 'Stored only as a salted scrypt hash.',
    }),
    multiValuedAttribute('emails', 'Email addresses for the user.', {
      types: ['work', 'home', 'other'],
    }),
    multiValuedAttribute('phoneNumbers', 'Phone numbers for the user.', {
      types: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValuedAttribute('ims', 'Instant messaging addresses for the user.', {
      types: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedAttribute('photos', 'URLs of photos of the user.', {
      valueType: 'reference',
      types: ['photo', 'thumbnail'],
    }),
    attribute('addresses', 'complex', {
      multiValued: true,
      description: 'Physical mailing addresses for this user.',
      subAttributes: [
        attribute('formatted', 'string'),
        attribute('streetAddress', 'string'),
        attribute('locality', 'string'),
        attribute('region', 'string'),
        attribute('postalCode', 'string'),
        attribute('country', 'string'),
        attribute('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean'),
      ],
    }),
    attribute('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      description: 'Groups the user belongs to, directly or through nested groups.',
      subAttributes: [
        readOnlyString('value'),
        attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        readOnlyString('display'),
        attribute('type', 'string', {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
    }),
    multiValuedAttribute('entitlements', 'Entitlements of the user.'),
    multiValuedAttribute('roles', 'Roles of the user.'),
    multiValuedAttribute('x509Certificates', 'X.509 certificates issued to the user.', {
      valueType: 'binary',
    }),
  ],
};

/** The enterprise User extension of RFC 7643 §4.3. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string'),
    attribute('costCenter', 'string'),
    attribute('organization', 'string'),
    attribute('division', 'string'),
    attribute('department', 'string'),
    attribute('manager', 'complex', {
      subAttributes: [
        attribute('value', 'string'),
        attribute('$ref', 'reference', { referenceTypes: ['User'] }),
        readOnlyString('displayName'),
      ],
    }),
  ],
};
