/** Shapes of the admin API responses that the console reads. */
export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

export interface ServiceAccount {
  id: string;
  name: string;
  description: string | null;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export interface Jwk {
  kid?: string;
  kty?: string;
  alg?: string;
  [member: string]: unknown;
}

export interface Client {
  id: string;
  clientId: string;
  name: string;
  serviceAccountId: string;
  scopes: string[];
  tokenEndpointAuthMethod: string;
  tokenEndpoint: string;
  jwks: { keys: Jwk[] } | null;
  jwksUri: string | null;
  createdAt: string;
}

export interface Directory {
  id: string;
  name: string;
  scimBaseUrl: string;
  provisioningStopped: boolean;
  createdAt: string;
}

export interface Grant {
  id: string;
  directoryId: string;
  serviceAccountId: string;
  role: string;
  createdAt: string;
}

/** What a view gets: the current organization and the path parameters of its route. */
export interface ViewContext {
  org: Organization;
  params: Record<string, string>;
  /** Re-renders the current route, after a change. */
  refresh(): void;
}
