import { InvalidFieldError } from '../../directory/errors.js';

/**
 * Rejects a request body on an action that takes no fields, such as `disable`. No body and an
 * empty JSON object pass, because HTTP clients often send `{}` with a POST. Anything else is
 * more likely a request meant for another endpoint, so it is rejected before the action runs.
 */
export function rejectRequestBody(body: unknown): void {
  if (body === undefined) return;
  const isEmptyObject =
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.keys(body).length === 0;
  if (!isEmptyObject) {
    throw new InvalidFieldError(
      'body',
      'must be absent or {}, because this action takes no fields',
    );
  }
}
