import { clientCredentials } from './client-credentials.js';
import type { GrantType } from './grant-type.js';

/** The grant types of the token endpoint, by `grant_type` value. */
export const GRANT_TYPES: ReadonlyMap<string, GrantType> = new Map([
  [clientCredentials.name, clientCredentials],
]);
