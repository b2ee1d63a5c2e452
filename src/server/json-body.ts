import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Largest accepted request body on every surface, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Deepest accepted nesting of arrays and objects in a JSON body. SCIM resources and PatchOp
 * bodies nest fewer than ten levels, so 64 leaves ample room for real documents.
 */
export const MAX_JSON_DEPTH = 64;

/** Error code of a JSON body nested deeper than MAX_JSON_DEPTH, mapped per surface. */
export const JSON_TOO_DEEP_CODE = 'SCIMD_JSON_TOO_DEEP';

/** A JSON body nested deeper than MAX_JSON_DEPTH, with status 400 like Fastify's own body errors. */
export class JsonTooDeepError extends Error {
  readonly code = JSON_TOO_DEEP_CODE;
  readonly statusCode = 400;

  constructor() {
    super(`the JSON body is nested deeper than the limit of ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * Returns the deepest nesting of arrays and objects in a JSON text, or stops counting once it
 * passes `limit`. It scans the text once without recursion, so a hostile body cannot overflow
 * the stack here, and skips brackets inside strings.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;

  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
      continue;
    }

    if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

type BodyParser = (
  request: FastifyRequest,
  body: string,
  done: (error: Error | null, body?: unknown) => void,
) => void;

/**
 * Returns Fastify's JSON parser (which rejects `__proto__` and `constructor.prototype` keys)
 * behind a depth check, so that code which walks the parsed document recursively never meets
 * a body nested deeper than MAX_JSON_DEPTH.
 */
export function depthLimitedJsonParser(app: FastifyInstance): BodyParser {
  const parseJson = app.getDefaultJsonParser('error', 'error') as BodyParser;

  return (request, body, done) => {
    if (jsonDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(new JsonTooDeepError());
      return;
    }
    parseJson(request, body, done);
  };
}
