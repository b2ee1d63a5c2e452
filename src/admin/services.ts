import type { JWK } from 'jose';

/** The list parameters an admin passes through to a directory's SCIM list, as sent. */
export interface ContentListParameters {
  filter?: string;
  startIndex?: string;
  count?: string;
}

/** One page of SCIM resources, as the admin API returns it. */
export interface ContentPage {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: unknown[];
}

/**
 * Read access to the users and groups an identity provider pushed into a directory. The server
 * builds it from the SCIM layer, so the admin API reads SCIM resources without depending on it.
 * Methods throw the directory layer's errors: `InvalidFieldError` for a bad filter or paging
 * parameter and `NotFoundError` for an unknown id.
 */
export interface DirectoryContents {
  listUsers(directoryId: string, parameters: ContentListParameters): Promise<ContentPage>;
  getUser(directoryId: string, id: string): Promise<unknown>;
  listGroups(directoryId: string, parameters: ContentListParameters): Promise<ContentPage>;
  getGroup(directoryId: string, id: string): Promise<unknown>;
}

/** The outcome of fetching a client's JWKS URL for an admin. */
export type RemoteKeysResult = { ok: true; keys: JWK[] } | { ok: false; reason: string };

/** Fetches a JWKS URL with the token endpoint's address checks; the server builds it from OAuth. */
export interface RemoteKeyFetcher {
  fetchKeys(jwksUri: string): Promise<RemoteKeysResult>;
}

/** Services of other layers that the admin API uses through interfaces. */
export interface AdminServices {
  readonly directoryContents: DirectoryContents;
  readonly remoteKeys: RemoteKeyFetcher;
}
