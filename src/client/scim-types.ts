/** Schema URN of a SCIM User (RFC 7643 §4.1). */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** Schema URN of a SCIM Group (RFC 7643 §4.2). */
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Schema URN of the enterprise User extension (RFC 7643 §4.3). */
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** `meta` of a resource (RFC 7643 §3.1); the server sets it. */
export interface Meta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  /** The entity tag, for `If-Match` (RFC 7644 §3.14). */
  version?: string;
}

/** Attributes every resource has (RFC 7643 §3.1). */
export interface Resource {
  schemas: string[];
  id?: string;
  externalId?: string;
  meta?: Meta;
  [attribute: string]: unknown;
}

/** One value of a multi-valued attribute (RFC 7643 §2.4). */
export interface MultiValue<T = string> {
  value?: T;
  display?: string;
  type?: string;
  primary?: boolean;
  $ref?: string;
}

export interface Name {
  formatted?: string;
  familyName?: string;
  givenName?: string;
  middleName?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

export interface Address {
  formatted?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  type?: string;
  primary?: boolean;
}

/** The enterprise User extension (RFC 7643 §4.3). */
export interface EnterpriseUser {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
  manager?: { value?: string; $ref?: string; displayName?: string };
}

/** A SCIM User (RFC 7643 §4.1). */
export interface User extends Resource {
  userName: string;
  name?: Name;
  displayName?: string;
  nickName?: string;
  profileUrl?: string;
  title?: string;
  userType?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  active?: boolean;
  /** Write-only: servers never return it. */
  password?: string;
  emails?: MultiValue[];
  phoneNumbers?: MultiValue[];
  ims?: MultiValue[];
  photos?: MultiValue[];
  addresses?: Address[];
  /** Read-only: membership changes go through the Group. */
  groups?: MultiValue[];
  entitlements?: MultiValue[];
  roles?: MultiValue[];
  x509Certificates?: MultiValue[];
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'?: EnterpriseUser;
}

/** A member of a Group: a User or a Group, by id. */
export interface GroupMember {
  value: string;
  $ref?: string;
  type?: 'User' | 'Group';
  display?: string;
}

/** A SCIM Group (RFC 7643 §4.2). */
export interface Group extends Resource {
  displayName: string;
  members?: GroupMember[];
}

/** A ListResponse (RFC 7644 §3.4.2), with the cursors of RFC 9865. */
export interface ListResponse<T> {
  schemas: string[];
  /** Required by RFC 7644; RFC 9865 lets a cursor-paging server omit it. */
  totalResults?: number;
  startIndex?: number;
  itemsPerPage?: number;
  Resources?: T[];
  nextCursor?: string;
  previousCursor?: string;
}

/** One PATCH operation (RFC 7644 §3.5.2). */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/** One operation of a Bulk request (RFC 7644 §3.7). */
export interface BulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Required for POST; later operations refer to the new id as `bulkId:{bulkId}`. */
  bulkId?: string;
  /** An entity tag the resource must match, like `If-Match`. */
  version?: string;
  /** Relative to the base URL, such as `/Users` or `/Groups/{id}`. */
  path: string;
  data?: unknown;
}

/** The result of one Bulk operation. */
export interface BulkOperationResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  /** The HTTP status as a string, such as "201". */
  status: string;
  /** The error resource when the operation failed. */
  response?: unknown;
}

export interface BulkResponse {
  schemas: string[];
  Operations: BulkOperationResult[];
}
