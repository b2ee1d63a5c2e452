import type { OAuthClient } from '../directory/clients.js';
import type { ServiceAccount } from '../directory/service-accounts.js';
import type { AppContext } from '../server/context.js';
import type { AssertionJtiStore } from './client-auth/jti-replay.js';
import type { RegisteredClientCache } from './client-auth/registered-client.js';
import type { RemoteJwksCache } from './jwks/remote-jwks-cache.js';
import type { RateLimiter } from './rate-limit.js';
import type { RevokedTokenStore } from './tokens/revoked-tokens.js';

/** Services shared by the oauth endpoints' steps: the app context and the oauth plugin's state. */
export interface TokenServices {
  context: AppContext;
  jwksCache: RemoteJwksCache;
  clients: RegisteredClientCache;
  jtiStore: AssertionJtiStore;
  revocations: RevokedTokenStore;
  rateLimiter: RateLimiter;
}

/** A client whose authentication succeeded, with the service account it acts for. */
export interface AuthenticatedClient {
  client: OAuthClient;
  serviceAccount: ServiceAccount;
  /** Name of the client-authentication method that succeeded. */
  method: string;
}
