import { createClientAssertion, type PrivateKeyInput } from './assertion.js';
import type { RetryOptions } from './http.js';
import { discoverAuthorizationServer } from './metadata.js';
import {
  type ClientSecretMethod,
  requestClientCredentialsToken,
  type TokenResponse,
} from './token.js';

export interface TokenSourceOptions {
  clientId: string;
  /**
   * The authorization server's issuer identifier. The token endpoint is read from its RFC 8414
   * metadata unless `tokenEndpoint` is given, and it is the assertion's `aud`.
   */
  issuer?: string;
  /** The token endpoint URL, when there is no metadata to read it from. */
  tokenEndpoint?: string;
  /** The assertion's `aud`. Default: the issuer, else the token endpoint URL. */
  audience?: string;

  /** Private key for `private_key_jwt`; see `createClientAssertion`. */
  privateKey?: PrivateKeyInput;
  /** Key id sent in the assertion header. */
  kid?: string;
  /** JWS algorithm. Default: implied by the key. */
  algorithm?: string;
  /** Lifetime of each assertion in seconds. Default 300. */
  assertionLifetimeSeconds?: number;

  /** Client secret, for a client registered with `client_secret_basic` or `client_secret_post`. */
  clientSecret?: string;
  /** Default `client_secret_basic`. */
  clientSecretMethod?: ClientSecretMethod;

  /** Scopes to request. Without it, the server grants every scope the client is allowed. */
  scope?: string | string[];
  /**
   * Seconds before expiry at which a cached token is replaced. Default 60. It is capped at half
   * the token's lifetime, so that a short-lived token is still reused.
   */
  refreshMarginSeconds?: number;
  retry?: RetryOptions;
  fetch?: typeof fetch;
  /** Clock in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

interface CachedToken {
  response: TokenResponse;
  /** When the token is replaced, in milliseconds since the epoch. */
  refreshAt: number;
}

/**
 * Keeps an access token from the client_credentials grant fresh. The token is cached and replaced
 * a margin before it expires; concurrent callers share one request in flight; network errors,
 * 429 and 5xx are retried with backoff that honours `Retry-After`; OAuth errors are thrown as
 * `OAuthError`.
 *
 * @example
 * ```ts
 * const tokens = new TokenSource({
 *   issuer: 'https://scimd.example.com',
 *   clientId: 'scimd-0123…',
 *   privateKey: fs.readFileSync('private-key.pem', 'utf8'),
 *   kid: 'okta-1',
 * });
 * const accessToken = await tokens.getToken();
 * ```
 */
export class TokenSource {
  private readonly options: TokenSourceOptions;
  private readonly now: () => number;
  private cached: CachedToken | undefined;
  private inFlight: Promise<TokenResponse> | undefined;
  private endpoint: Promise<{ tokenEndpoint: string; audience: string }> | undefined;

  constructor(options: TokenSourceOptions) {
    if (!options.issuer && !options.tokenEndpoint) {
      throw new TypeError('TokenSource needs issuer or tokenEndpoint');
    }
    if (options.privateKey === undefined && options.clientSecret === undefined) {
      throw new TypeError('TokenSource needs privateKey or clientSecret');
    }
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Returns a valid access token, requesting a new one only when the cached one is due. */
  async getToken(): Promise<string> {
    return (await this.getTokenResponse()).access_token;
  }

  /** Returns the whole token response behind `getToken`. */
  async getTokenResponse(): Promise<TokenResponse> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.response;

    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Drops the cached token, for example after a resource server rejected it with 401. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<TokenResponse> {
    const { tokenEndpoint, audience } = await this.resolveEndpoint();
    const options = this.options;
    const requestedAt = this.now();

    const clientAssertion =
      options.privateKey === undefined
        ? undefined
        : await createClientAssertion({
            clientId: options.clientId,
            audience,
            privateKey: options.privateKey,
            ...(options.kid ? { kid: options.kid } : {}),
            ...(options.algorithm ? { algorithm: options.algorithm } : {}),
            ...(options.assertionLifetimeSeconds
              ? { lifetimeSeconds: options.assertionLifetimeSeconds }
              : {}),
          });
    const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;

    const response = await requestClientCredentialsToken({
      tokenEndpoint,
      clientId: options.clientId,
      ...(clientAssertion ? { clientAssertion } : {}),
      ...(options.clientSecret !== undefined ? { clientSecret: options.clientSecret } : {}),
      ...(options.clientSecretMethod ? { clientSecretMethod: options.clientSecretMethod } : {}),
      ...(scope ? { scope } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });

    this.cached = { response, refreshAt: refreshTime(requestedAt, response, options) };
    return response;
  }

  private resolveEndpoint(): Promise<{ tokenEndpoint: string; audience: string }> {
    // A failed discovery is not cached, so that the next call tries again.
    this.endpoint ??= this.discover().catch((error: unknown) => {
      this.endpoint = undefined;
      throw error;
    });
    return this.endpoint;
  }

  private async discover(): Promise<{ tokenEndpoint: string; audience: string }> {
    const { issuer, tokenEndpoint, audience } = this.options;
    if (tokenEndpoint) return { tokenEndpoint, audience: audience ?? issuer ?? tokenEndpoint };

    const metadata = await discoverAuthorizationServer(issuer!, {
      ...(this.options.retry ? { retry: this.options.retry } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    return { tokenEndpoint: metadata.token_endpoint, audience: audience ?? metadata.issuer };
  }
}

/**
 * Computes when a token is replaced. It is measured from when the request was sent, so that the
 * time the request took only makes the refresh earlier. A response without `expires_in` is
 * replaced after five minutes, because RFC 6749 §5.1 leaves its lifetime unknown.
 */
function refreshTime(requestedAt: number, response: TokenResponse, options: TokenSourceOptions) {
  const lifetime = typeof response.expires_in === 'number' ? response.expires_in : 300;
  const margin = Math.min(options.refreshMarginSeconds ?? 60, lifetime / 2);
  return requestedAt + (lifetime - margin) * 1000;
}
