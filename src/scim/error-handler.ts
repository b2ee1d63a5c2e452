import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { JSON_TOO_DEEP_CODE } from '../server/json-body.js';
import { ScimError } from './errors.js';
import { SCIM_MEDIA_TYPE } from './media-type.js';

/**
 * Sends any error of a SCIM route as a SCIM error resource (RFC 7644 §3.12). Errors of the
 * request itself (body, content type, size) become 4xx responses. Anything else is a 500 whose
 * cause is logged and never sent.
 */
export function handleScimError(
  error: FastifyError | ScimError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const scimError = toScimError(error, request);

  if (scimError.status >= 500) {
    request.log.error({ err: error }, 'SCIM request failed');
  } else {
    const { status, scimType, detail } = scimError;
    request.log.info({ status, scimType, detail }, 'SCIM request rejected');
  }

  void reply
    .code(scimError.status)
    .headers(scimError.headers)
    .type(SCIM_MEDIA_TYPE)
    .send(scimError.toBody());
}

function toScimError(error: FastifyError | ScimError, request: FastifyRequest): ScimError {
  if (error instanceof ScimError) return error;

  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ScimError.withStatus(
        415,
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported; send application/scim+json or application/json`,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ScimError.withStatus(
        413,
        `the request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.of('invalidSyntax', 'the request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ScimError.of('invalidSyntax', 'the request body is not valid JSON');
    case JSON_TOO_DEEP_CODE:
      return ScimError.of('invalidSyntax', error.message);
  }

  // Other errors that Fastify raises for a malformed request carry a 4xx status code.
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return ScimError.of('invalidSyntax', `the request is invalid: ${error.message}`);
  }
  return ScimError.withStatus(500, 'the server failed to process the request');
}
