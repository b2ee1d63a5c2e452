import { decodeJwt, type JWTPayload } from 'jose';
import { InvalidClientError, InvalidRequestError } from '../errors.js';
import { jwksFetchOptions } from '../jwks/fetch-options.js';
import { TOKEN_PATH } from '../paths.js';
import type { TokenParams } from '../token-params.js';
import { checkAssertionClaims } from './assertion-claims.js';
import { readAssertionHeader } from './assertion-header.js';
import { selectAssertionKey } from './assertion-key.js';
import { verifyAssertionSignature } from './assertion-signature.js';
import type { ClientAuthMethod } from './method.js';
import { findRegisteredClient } from './registered-client.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * private_key_jwt: the client signs a short-lived JWT with its private key and the server verifies
 * it with the public key registered for the client (RFC 7523 §2.2 and §3, RFC 7521 §4.2).
 */
export const privateKeyJwt: ClientAuthMethod = {
  name: 'private_key_jwt',

  isUsedBy: ({ params }) => params.has('client_assertion') || params.has('client_assertion_type'),

  async authenticate({ params }, services) {
    const assertion = readAssertionParams(params);
    const header = readAssertionHeader(assertion);
    const payload = decodePayload(assertion);

    const clientId = payload.iss;
    if (typeof clientId !== 'string' || clientId === '') {
      throw new InvalidClientError('the client assertion has no iss');
    }
    const requestedId = params.get('client_id');
    if (requestedId !== undefined && requestedId !== clientId) {
      throw new InvalidClientError('the client_id parameter differs from the assertion iss', {
        clientId,
      });
    }

    const { config } = services.context;
    const { oauth } = config;
    if (!oauth.assertionAlgorithms.includes(header.alg)) {
      throw new InvalidClientError(`alg ${header.alg} is not on the server's allow-list`, {
        clientId,
      });
    }

    const registered = await findRegisteredClient(clientId, privateKeyJwt.name, services);
    const clientAlgorithms = registered.auth.assertionAlgorithms;
    if (clientAlgorithms && !clientAlgorithms.includes(header.alg)) {
      throw new InvalidClientError(`alg ${header.alg} is not on the client's allow-list`, {
        clientId,
      });
    }

    const key = await selectAssertionKey(registered.client, header, {
      jwksCache: services.jwksCache,
      fetchOptions: jwksFetchOptions(config),
    });
    verifyAssertionSignature(assertion, key, header.alg, { clientId, kid: key.kid });

    const { jti, exp } = checkAssertionClaims(payload, {
      clientId,
      audiences: [
        config.publicUrl,
        `${config.publicUrl}${TOKEN_PATH}`,
        ...config.assertionAudiences,
      ],
      strictAudience: oauth.assertionStrictAudience ? config.publicUrl : undefined,
      maxLifetimeSeconds: oauth.assertionMaxLifetimeSeconds,
      now: Math.floor(Date.now() / 1000),
      clockSkewSeconds: config.clockSkewSeconds,
    });

    // Kept until the assertion could no longer pass the exp check, including the clock skew.
    const firstUse = await services.jtiStore.consume(clientId, jti, exp + config.clockSkewSeconds);
    if (!firstUse) {
      throw new InvalidClientError('the client assertion was already used (jti replay)', {
        clientId,
      });
    }
    return { client: registered.client, serviceAccount: registered.serviceAccount };
  },
};

function readAssertionParams(params: TokenParams): string {
  const type = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');

  if (type === undefined) {
    throw new InvalidRequestError(
      `client_assertion_type is missing; send ${JWT_BEARER_ASSERTION_TYPE} with the client_assertion`,
    );
  }
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new InvalidRequestError(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
  }
  if (assertion === undefined) {
    throw new InvalidRequestError('client_assertion is missing');
  }
  return assertion;
}

/** Reads the claims before verification, because `iss` names the client whose key verifies them. */
function decodePayload(assertion: string): JWTPayload {
  try {
    return decodeJwt(assertion);
  } catch {
    throw new InvalidClientError(
      'the client assertion payload is not a base64url-encoded JSON object',
    );
  }
}
