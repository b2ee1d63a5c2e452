// Column conventions shared by both dialects: ids are UUID strings, timestamps are ISO 8601 UTC
// strings with milliseconds, booleans are 0/1 integers, and JSON documents are text on SQLite and
// jsonb on PostgreSQL (read them through the dialect's `parseJson`).

export interface OrganizationTable {
  id: string;
  name: string;
  created_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface ServiceAccountTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  role: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface OAuthClientTable {
  id: string;
  org_id: string;
  service_account_id: string;
  client_id: string;
  name: string;
  /** JSON array of scope strings. */
  scopes: string;
  /** JSON Web Key Set of the client's public keys, or null. */
  jwks: string | null;
  jwks_uri: string | null;
  created_at: string;
  updated_at: string;
}

export interface DirectoryTable {
  id: string;
  org_id: string;
  name: string;
  created_at: string;
}

export interface GrantTable {
  id: string;
  org_id: string;
  directory_id: string;
  service_account_id: string;
  role: string;
  created_at: string;
}

export interface ServerKeyTable {
  kid: string;
  alg: string;
  /** Private JWK, encrypted with the configured encryption key. */
  private_jwk: string;
  /** Public JWK as JSON text. */
  public_jwk: string;
  status: string;
  created_at: string;
}

export interface AssertionJtiTable {
  client_id: string;
  jti: string;
  expires_at: string;
}

export interface ScimUserTable {
  id: string;
  directory_id: string;
  user_name: string;
  /** Lower-cased userName: userName is unique case-insensitively within a directory. */
  user_name_key: string;
  external_id: string | null;
  display_name: string | null;
  active: number;
  /** The stored SCIM resource without `id` and `meta`. */
  resource: unknown;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DirectoryEventTable {
  /** UUIDv7, so that ids sort in commit order within one process. */
  id: string;
  directory_id: string;
  resource_type: string;
  resource_id: string;
  action: string;
  created_at: string;
}

export interface AuditEventTable {
  id: string;
  org_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  created_at: string;
}

export interface Database {
  organizations: OrganizationTable;
  settings: SettingTable;
  service_accounts: ServiceAccountTable;
  oauth_clients: OAuthClientTable;
  directories: DirectoryTable;
  grants: GrantTable;
  server_keys: ServerKeyTable;
  assertion_jtis: AssertionJtiTable;
  scim_users: ScimUserTable;
  directory_events: DirectoryEventTable;
  audit_events: AuditEventTable;
}
