import type { OAuthClient } from '../directory/clients.js';
import type { ServiceAccount } from '../directory/service-accounts.js';
import type { AppContext } from '../server/context.js';
import type { AssertionJtiStore } from './client-auth/jti-replay.js';
import type { RemoteJwksCache } from './jwks/remote-jwks-cache.js';

/** Services shared by the token endpoint's steps: the app context and the oauth plugin's caches. */
export interface TokenServices {
  context: AppContext;
  jwksCache: RemoteJwksCache;
  jtiStore: AssertionJtiStore;
}

/** A client whose authentication succeeded, with the service account it acts for. */
export interface AuthenticatedClient {
  client: OAuthClient;
  serviceAccount: ServiceAccount;
  /** Name of the client-authentication method that succeeded. */
  method: string;
}
