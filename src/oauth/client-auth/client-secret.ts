import { verifySecret } from '../../directory/secret-hash.js';
import { InvalidClientError, InvalidRequestError } from '../errors.js';
import type { ClientAuthMethod, ClientCredentials } from './method.js';
import { findRegisteredClient } from './registered-client.js';

/** Longest accepted client secret, in characters; generated secrets have 43. */
const MAX_SECRET_LENGTH = 200;

/** Challenge sent with every failure of a request that used HTTP Basic (RFC 6749 §5.2). */
export const BASIC_CHALLENGE = 'Basic realm="scimd", charset="UTF-8"';

/**
 * client_secret_basic (RFC 6749 §2.3.1): the client id and secret in an HTTP Basic header, each
 * form-urlencoded before the pair is base64-encoded.
 */
export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',

  isUsedBy: ({ authorization }) => authorization !== undefined && /^basic\s/i.test(authorization),

  async authenticate({ authorization }, services) {
    const { clientId, secret } = readBasicCredentials(authorization!);
    return checkSecret(clientId, secret, 'client_secret_basic', services);
  },
};

/** client_secret_post (RFC 6749 §2.3.1): `client_id` and `client_secret` in the request body. */
export const clientSecretPost: ClientAuthMethod = {
  name: 'client_secret_post',

  isUsedBy: ({ params }) => params.has('client_secret'),

  async authenticate({ params }, services) {
    const clientId = params.get('client_id');
    if (clientId === undefined) {
      throw new InvalidRequestError(
        'client_id is missing; client_secret_post sends client_id with client_secret',
      );
    }
    return checkSecret(clientId, params.get('client_secret')!, 'client_secret_post', services);
  },
};

async function checkSecret(
  clientId: string,
  secret: string,
  method: string,
  services: Parameters<ClientAuthMethod['authenticate']>[1],
) {
  const registered = await findRegisteredClient(clientId, method, services);

  const matches =
    registered.auth.secretHash !== null &&
    secret.length <= MAX_SECRET_LENGTH &&
    verifySecret(secret, registered.auth.secretHash);
  if (!matches) throw new InvalidClientError('the client secret does not match', { clientId });

  return { client: registered.client, serviceAccount: registered.serviceAccount };
}

function readBasicCredentials(header: string): { clientId: string; secret: string } {
  const encoded = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new InvalidClientError(
      'the Basic credentials are not base64 of client_id:client_secret',
      {},
      'the Authorization header must carry Basic base64(client_id:client_secret)',
    );
  }

  try {
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    throw new InvalidClientError(
      'the Basic credentials are not form-urlencoded',
      {},
      'the client id and secret in the Basic credentials must be form-urlencoded (RFC 6749 §2.3.1)',
    );
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}

/** Reports whether credentials use HTTP Basic, so that failures carry a Basic challenge. */
export function usesBasic(credentials: ClientCredentials): boolean {
  return clientSecretBasic.isUsedBy(credentials);
}
