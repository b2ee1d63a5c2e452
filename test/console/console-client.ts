import { createAdminUser } from '../../src/directory/admin-users.js';
import type { Storage } from '../../src/storage/database.js';
import { type JsonResponse, requestJson } from '../helpers/http.js';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** Creates the console admin the tests sign in with. */
export async function createTestAdmin(storage: Storage, email = ADMIN_EMAIL): Promise<void> {
  await createAdminUser(storage, { email, password: ADMIN_PASSWORD });
}

/** A signed-in console session as a browser stores it: the cookie and the CSRF token. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

/** Signs in through `/console/api/session`; returns the response, and the session when sign-in succeeded. */
export async function signIn(
  baseUrl: string,
  email = ADMIN_EMAIL,
  password = ADMIN_PASSWORD,
): Promise<{ response: JsonResponse<any>; session: TestSession | undefined }> {
  const response = await requestJson(`${baseUrl}/console/api/session`, {
    method: 'POST',
    body: { email, password },
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const session =
    response.status === 201 ? { cookie, csrfToken: response.body.csrfToken, setCookie } : undefined;
  return { response, session };
}

/** Calls the admin API with a session cookie; `csrf` false leaves the CSRF header out. */
export function sessionRequest(
  baseUrl: string,
  session: TestSession,
  method: string,
  path: string,
  options: { body?: unknown; csrf?: boolean | string } = {},
): Promise<JsonResponse<any>> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (options.csrf !== false) {
    headers['x-csrf-token'] = typeof options.csrf === 'string' ? options.csrf : session.csrfToken;
  }
  return requestJson(`${baseUrl}${path}`, { method, body: options.body, headers });
}
