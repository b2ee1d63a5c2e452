import formBody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.js';
import { noteRequest } from '../server/request-context.js';
import { AssertionJtiStore } from './client-auth/jti-replay.js';
import { RegisteredClientCache } from './client-auth/registered-client.js';
import {
  BodyTooLargeError,
  InvalidRequestError,
  OAuthError,
  RateLimitedError,
  ServerError,
} from './errors.js';
import { handleIntrospection } from './introspection.js';
import { fetchJwksDocument } from './jwks/fetch-jwks.js';
import { RemoteJwksCache } from './jwks/remote-jwks-cache.js';
import { authorizationServerMetadata } from './metadata.js';
import {
  INTROSPECTION_PATH,
  JWKS_PATH,
  METADATA_PATH,
  REVOCATION_PATH,
  TOKEN_PATH,
} from './paths.js';
import { RateLimiter } from './rate-limit.js';
import { handleRevocation } from './revocation.js';
import { handleTokenRequest } from './token-endpoint.js';
import { BODY_TYPE_DESCRIPTION } from './token-params.js';
import type { TokenServices } from './token-services.js';
import { RevokedTokenStore } from './tokens/revoked-tokens.js';

/** RFC 6749 §5.1 and §5.2: token responses and their errors must not be cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The endpoints that authenticate clients, each limited per source address. */
const CLIENT_ENDPOINTS = [TOKEN_PATH, INTROSPECTION_PATH, REVOCATION_PATH];

/** The authorization server: token, introspection and revocation endpoints, JWKS and metadata. */
export const oauthPlugin: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  // RFC 6749 requires form-encoded bodies here; the other surfaces take JSON only.
  await app.register(formBody);

  // These settings do not change when the server binds its port, unlike the public URL.
  const { oauth } = context.config;
  const services: TokenServices = {
    context,
    jwksCache: new RemoteJwksCache({
      minTtlMs: oauth.jwksMinCacheSeconds * 1000,
      maxTtlMs: oauth.jwksMaxCacheSeconds * 1000,
      staleMs: oauth.jwksStaleSeconds * 1000,
      refetchIntervalMs: oauth.jwksRefetchSeconds * 1000,
      logger: app.log,
      fetch: context.metrics?.countJwksFetches(fetchJwksDocument),
    }),
    clients: new RegisteredClientCache(context.storage),
    jtiStore: new AssertionJtiStore(context.storage),
    revocations: new RevokedTokenStore(context.storage),
    rateLimiter: new RateLimiter(),
  };

  app.setErrorHandler(sendOAuthError);

  // Runs before the body is parsed, so that a flood costs no parsing or signature work.
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST' || !CLIENT_ENDPOINTS.includes(request.routeOptions.url ?? '')) {
      return;
    }
    const limit = context.config.oauth.tokenRatePerAddress;
    const retryAfter = services.rateLimiter.take(`address:${request.ip}`, limit);
    if (retryAfter !== undefined) {
      throw new RateLimitedError(
        `too many requests from this address; at most ${limit} per minute`,
        retryAfter,
        { address: request.ip },
      );
    }
  });

  app.get(JWKS_PATH, async () => {
    await context.serverKeys.refreshIfStale();
    return context.serverKeys.publicJwks();
  });

  // TODO: an issuer with a path needs the metadata at /.well-known/oauth-authorization-server/{path}
  // (RFC 8414 §3.1); only issuers without a path are served.
  app.get(METADATA_PATH, async () => authorizationServerMetadata(context.config));

  app.post(TOKEN_PATH, async (request, reply) => {
    const response = await handleTokenRequest(request, services);
    return reply.headers(NO_STORE).send(response);
  });

  app.post(INTROSPECTION_PATH, async (request, reply) => {
    const response = await handleIntrospection(request, services);
    return reply.headers(NO_STORE).send(response);
  });

  app.post(REVOCATION_PATH, async (request, reply) => {
    await handleRevocation(request, services);
    return reply.headers(NO_STORE).code(200).send();
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
  noteRequest(request, { reason: oauthError.code });

  if (oauthError instanceof ServerError) {
    request.log.error({ err: error, url: request.url }, 'token request failed');
  } else {
    request.log.info(
      {
        url: request.url,
        error: oauthError.code,
        description: oauthError.description,
        detail: oauthError.detail,
      },
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
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new BodyTooLargeError('the request body is larger than the limit of 1 MiB', {
      fastifyCode: error.code,
    });
  }

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
    default:
      return `the request is invalid: ${error.message}`;
  }
}
