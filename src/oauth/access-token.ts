import { randomUUID, sign } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { ServerKeyStore, SigningKey } from './server-keys.js';

/** Claims of a verified access token about its bearer. */
export interface AccessTokenClaims {
  clientId: string;
  serviceAccountId: string;
  orgId: string;
  scopes: string[];
  jti: string;
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
  /** Issue time, in seconds since the epoch. */
  issuedAt?: number;
}

/** The access token is missing its parts, expired, or not signed by this server. */
export class InvalidAccessTokenError extends Error {
  override name = 'InvalidAccessTokenError';
  constructor(
    /** Public text, safe for a `WWW-Authenticate` header. */
    readonly description: string,
  ) {
    super(description);
  }
}

export interface AccessTokenOptions {
  /** Issuer identifier, the server's public URL. Read on each call because tests bind port 0. */
  issuer: () => string;
  /** Lifetime of an issued token, in seconds. */
  ttlSeconds: number;
  /** Accepted clock difference when verifying, in seconds. */
  clockSkewSeconds: number;
  /**
   * Revoked tokens and disabled clients, rejected by `verify` from the moment they are revoked or
   * disabled.
   */
  revocations?: { isRevoked(jti: string, clientId: string): Promise<boolean> };
}

/** Audience of every access token: the SCIM API of this server. */
export function accessTokenAudience(issuer: string): string {
  return `${issuer}/scim`;
}

/** Maximum number of verified tokens remembered; the oldest is dropped first. */
const MAX_VERIFIED_TOKENS = 10_000;

/** A token whose signature and claims were checked, kept until it expires. */
interface VerifiedToken {
  readonly claims: AccessTokenClaims;
  readonly issuer: string;
  readonly kid: string;
}

/** Issues and verifies RFC 9068 JWT access tokens signed with the server's keys. */
export class AccessTokenService {
  /**
   * Tokens already verified, by their text. A client sends one token for up to an hour, so its
   * signature is checked once. Revocation and the signing key are still checked on every request.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    private readonly keys: ServerKeyStore,
    private readonly options: AccessTokenOptions,
  ) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /**
   * Signs a token for a client; `scopes` are the granted ones. node:crypto signs with the cached
   * private key because it signs ES256 and EdDSA faster than WebCrypto through jose. The result is
   * an ordinary JWS, which `verify` checks with jose.
   */
  async issue(subject: Omit<AccessTokenClaims, 'jti' | 'expiresAt' | 'issuedAt'>): Promise<string> {
    const signing = await this.keys.currentSigningKey();
    const issuer = this.options.issuer();
    const now = Math.floor(Date.now() / 1000);

    const header = { alg: signing.alg, kid: signing.kid, typ: 'at+jwt' };
    const claims = {
      client_id: subject.clientId,
      scope: subject.scopes.join(' '),
      service_account_id: subject.serviceAccountId,
      org_id: subject.orgId,
      iss: issuer,
      sub: subject.clientId,
      aud: accessTokenAudience(issuer),
      iat: now,
      exp: now + this.options.ttlSeconds,
      jti: randomUUID(),
    };
    const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
    return `${signingInput}.${signJws(signingInput, signing)}`;
  }

  /** Verifies signature, type, issuer, audience and lifetime; throws InvalidAccessTokenError. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const known = await this.recall(token);
    if (known) {
      await this.checkRevocation(known);
      return known;
    }

    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new InvalidAccessTokenError('the access token is malformed');
    }
    const key = kid ? await this.keys.verificationKey(kid) : undefined;
    if (!kid || !key) {
      throw new InvalidAccessTokenError('the access token was not issued by this server');
    }

    const claims = await this.verifySignedClaims(token, key);
    await this.checkRevocation(claims);
    this.remember(token, { claims, issuer: this.options.issuer(), kid });
    return claims;
  }

  private async checkRevocation(claims: AccessTokenClaims): Promise<void> {
    if (await this.options.revocations?.isRevoked(claims.jti, claims.clientId)) {
      throw new InvalidAccessTokenError('the access token has been revoked');
    }
  }

  /**
   * Returns the claims of a token verified before, while the issuer is the same, the token has
   * not expired (with the same clock tolerance as jose) and its signing key still verifies.
   */
  private async recall(token: string): Promise<AccessTokenClaims | undefined> {
    const entry = this.verified.get(token);
    if (!entry) return undefined;

    const now = Math.floor(Date.now() / 1000);
    const fresh = now - this.options.clockSkewSeconds < entry.claims.expiresAt;
    if (!fresh || entry.issuer !== this.options.issuer()) {
      this.verified.delete(token);
      return undefined;
    }
    if (!(await this.keys.verificationKey(entry.kid))) return undefined;
    return entry.claims;
  }

  private remember(token: string, entry: VerifiedToken): void {
    if (this.verified.size >= MAX_VERIFIED_TOKENS) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, entry);
  }

  private async verifySignedClaims(
    token: string,
    key: Parameters<typeof jwtVerify>[1],
  ): Promise<AccessTokenClaims> {
    const issuer = this.options.issuer();
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer,
        audience: accessTokenAudience(issuer),
        typ: 'at+jwt',
        algorithms: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      });
      return {
        clientId: String(payload.client_id),
        serviceAccountId: String(payload.service_account_id),
        orgId: String(payload.org_id),
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        jti: payload.jti!,
        expiresAt: payload.exp!,
        issuedAt: payload.iat,
      };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new InvalidAccessTokenError('the access token has expired');
      }
      throw new InvalidAccessTokenError('the access token is invalid');
    }
  }
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs a JWS signing input with a server key (RFC 7518 §3.3 and §3.4, RFC 8037 §3.1). */
function signJws(signingInput: string, signing: SigningKey): string {
  const data = Buffer.from(signingInput);
  switch (signing.alg) {
    case 'ES256':
      // JWS carries ECDSA signatures as R and S concatenated, not DER.
      return sign('sha256', data, { key: signing.keyObject, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      );
    case 'RS256':
      return sign('sha256', data, signing.keyObject).toString('base64url');
    case 'EdDSA':
      return sign(null, data, signing.keyObject).toString('base64url');
    default:
      throw new Error(`server keys with alg ${signing.alg} cannot sign access tokens`);
  }
}
