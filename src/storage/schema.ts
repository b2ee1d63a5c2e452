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
  /** 1 while an admin has stopped SCIM provisioning into the directory. */
  provisioning_stopped: number;
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
  /** When the key starts signing; null: from `created_at`. Published before then. */
  signs_from: string | null;
  /** When the key stops being published, once every token it signed has expired; null: never. */
  retires_at: string | null;
}

export interface OAuthClientAuthTable {
  client_id: string;
  /** `private_key_jwt`, `client_secret_basic` or `client_secret_post`. */
  method: string;
  /** Salted hash of the client secret, for the secret methods. */
  secret_hash: string | null;
  /** JSON array of the assertion algorithms the client may use, or null for the server's list. */
  assertion_algs: string | null;
  /** 1 while an admin has disabled the client: no tokens, and its tokens are refused. */
  disabled: number;
  updated_at: string;
}

export interface RevokedTokenTable {
  jti: string;
  client_id: string;
  /** Expiry of the revoked token; the row can go once it has passed. */
  expires_at: string;
}

export interface DirectoryApiTokenTable {
  id: string;
  org_id: string;
  directory_id: string;
  name: string;
  scope: string;
  /** Salted hash of the token's secret part. */
  secret_hash: string;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
  rotated_at: string | null;
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

export interface ScimGroupTable {
  id: string;
  directory_id: string;
  display_name: string;
  /** Lower-cased displayName: group names are unique case-insensitively within a directory. */
  display_name_key: string;
  external_id: string | null;
  /** The stored SCIM resource without `id`, `meta` and `members`. */
  resource: unknown;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One lower-cased `emails.value` of a user, indexed for filters. */
export interface ScimUserEmailTable {
  user_id: string;
  directory_id: string;
  value_key: string;
}

export interface ScimGroupMemberTable {
  group_id: string;
  /** Id of a user or group of the same directory. */
  member_id: string;
  /** `User` or `Group`. */
  member_type: string;
  directory_id: string;
  created_at: string;
}

export interface ScimDirectoryOptionsTable {
  directory_id: string;
  /** 1 when unknown attributes and schema URNs are rejected instead of ignored. */
  strict: number;
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
  /** UUIDv7, so that ids sort by time; the audit API pages by id. */
  id: string;
  org_id: string | null;
  /** Kind of actor: `admin`, `client` or `system`. */
  actor_type: string;
  /** Id of the actor: admin user or `admin-token`, OAuth client_id, or the command name. */
  actor: string;
  action: string;
  directory_id: string | null;
  /** Main target id. */
  target: string | null;
  /** JSON object of every target id by kind, or null. */
  targets: string | null;
  /** `success` or `failure`. */
  outcome: string;
  /** Error code of a failure, such as `invalid_client`. */
  reason: string | null;
  request_id: string | null;
  created_at: string;
}

export interface AdminUserTable {
  id: string;
  /** Lower-cased email address, unique on the server. */
  email: string;
  /** scrypt hash in the form `scrypt$N$r$p$salt$hash` (base64url). */
  password_hash: string;
  /** Consecutive failed sign-ins since the last success. */
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface AdminSessionTable {
  /** SHA-256 (hex) of the session cookie value; the value itself is never stored. */
  id_hash: string;
  admin_user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
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
  oauth_client_auth: OAuthClientAuthTable;
  revoked_tokens: RevokedTokenTable;
  directory_api_tokens: DirectoryApiTokenTable;
  scim_users: ScimUserTable;
  scim_groups: ScimGroupTable;
  scim_group_members: ScimGroupMemberTable;
  scim_user_emails: ScimUserEmailTable;
  scim_directory_options: ScimDirectoryOptionsTable;
  directory_events: DirectoryEventTable;
  audit_events: AuditEventTable;
  admin_users: AdminUserTable;
  admin_sessions: AdminSessionTable;
}
