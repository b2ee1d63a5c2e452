import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.js';
import { AssertionJtiStore } from './client-auth/jti-replay.js';
import { InvalidRequestError, OAuthError, ServerError } from './errors.js';
import { RemoteJwksCache } from './jwks/remote-jwks-cache.js';
import { authorizationServerMetadata } from './metadata.js';
import { JWKS_PATH, METADATA_PATH, TOKEN_PATH } from './paths.js';
import { handleTokenRequest } from './token-endpoint.js';
import { BODY_TYPE_DESCRIPTION } from './token-params.js';
import type { TokenServices } from './token-services.js';

/** RFC 6749 §5.1 and §5.2: token responses and their errors must not be cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The authorization server: token endpoint, JWKS and metadata. */
export const oauthPlugin: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const services: TokenServices = {
    context,
    jwksCache: new RemoteJwksCache(),
    jtiStore: new AssertionJtiStore(context.storage),
  };

  app.setErrorHandler(sendOAuthError);

  app.get(JWKS_PATH, async () => context.serverKeys.publicJwks());

  // TODO: an issuer with a path needs the metadata at /.well-known/oauth-authorization-server/{path}
  // (RFC 8414 §3.1); only issuers without a path are served.
  app.get(METADATA_PATH, async () => authorizationServerMetadata(context.config.publicUrl));

  app.post(TOKEN_PATH, async (request, reply) => {
    const response = await handleTokenRequest(request, services);
    return reply.headers(NO_STORE).send(response);
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: TOKEN_PATH,
    handler: async (_request, reply) =>
      reply
        .code(405)
        .headers({ ...NO_STORE, allow: 'POST' })
        .send({
          error: 'invalid_request',
          error_description: 'the token endpoint accepts only POST',
        }),
  });
};

/** Sends every error of this plugin in the RFC 6749 §5.2 format. */
function sendOAuthError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const oauthError = toOAuthError(error);

  if (oauthError instanceof ServerError) {
    request.log.error({ err: error }, 'token request failed');
  } else {
    request.log.info(
      { error: oauthError.code, description: oauthError.description, detail: oauthError.detail },
      'token request rejected',
    );
  }

  reply
    .code(oauthError.status)
    .headers({ ...NO_STORE, ...oauthError.headers })
    .send({ error: oauthError.code, error_description: oauthError.description });
}

/** Maps Fastify's request errors, such as an unparsable body, to invalid_request. */
function toOAuthError(error: FastifyError): OAuthError {
  if (error instanceof OAuthError) return error;

  const status = error.statusCode ?? 500;
  if (status >= 500) return new ServerError('the server failed to process the request');

  return new InvalidRequestError(requestErrorDescription(error), { fastifyCode: error.code });
}

function requestErrorDescription(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return BODY_TYPE_DESCRIPTION;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the JSON request body is empty';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the request body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the request body is too large';
    default:
      return `the request is invalid: ${error.message}`;
  }
}
