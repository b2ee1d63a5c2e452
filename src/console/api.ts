/** An error response of the admin API: `{error, message, field?}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The signed-in admin's session, as `/console/api/session` returns it. */
export interface Session {
  email: string;
  csrfToken: string;
  expiresAt: string;
}

let csrfToken: string | undefined;
let onSignedOut: (message: string) => void = () => {};

/** Keeps the session's CSRF token in memory only; it is echoed on every state change. */
export function useSession(session: Session | undefined): void {
  csrfToken = session?.csrfToken;
}

/** Called when the server no longer accepts the session, with a message for the sign-in page. */
export function whenSignedOut(handler: (message: string) => void): void {
  onSignedOut = handler;
}

/**
 * Calls the server with the session cookie. State changes carry the CSRF token. A 401 from the
 * admin API means the session has ended, so the console returns to the sign-in page.
 */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? parseJson(text) : undefined;
  if (response.ok) return data as T;

  const error = (data ?? {}) as { error?: string; message?: string; field?: string };
  const failure = new ApiError(
    response.status,
    error.error ?? 'error',
    error.message ?? `the server answered ${response.status}`,
    error.field,
  );
  if (response.status === 401 && path.startsWith('/admin/v1/')) {
    useSession(undefined);
    onSignedOut('Your session has ended. Sign in again.');
  }
  throw failure;
}

/** Calls the admin API under `/admin/v1`. */
export function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  return call<T>(method, `/admin/v1${path}`, body);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: 'invalid_response', message: text.slice(0, 200) };
  }
}
