import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN_FILE } from '../server/start.js';

/** Server URL and admin token that a command uses. */
export interface AdminConnection {
  url: string;
  token: string;
}

/** Error response from the admin API. */
export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const message =
      typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : '';
    super(`admin API answered ${status}${message ? `: ${message}` : ''}`);
  }
}

/** Default server URL: `SCIMD_URL`, else `SCIMD_PUBLIC_URL`, else http://127.0.0.1:8080. */
export function defaultServerUrl(): string {
  // An empty variable counts as unset.
  return process.env.SCIMD_URL || process.env.SCIMD_PUBLIC_URL || 'http://127.0.0.1:8080';
}

/**
 * Finds the admin token: the option, else `SCIMD_ADMIN_TOKEN`, else the token file that a first
 * start wrote into the data directory (`SCIMD_DATA_DIR`, default ./data).
 */
export function resolveAdminToken(option: string | undefined): string | undefined {
  if (option) return option;
  if (process.env.SCIMD_ADMIN_TOKEN) return process.env.SCIMD_ADMIN_TOKEN;

  const file = path.join(path.resolve(process.env.SCIMD_DATA_DIR ?? 'data'), ADMIN_TOKEN_FILE);
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Calls the admin API and returns the parsed JSON response; throws AdminApiError on 4xx/5xx. */
export async function callAdminApi<T = unknown>(
  connection: AdminConnection,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${connection.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';

  const response = await fetch(`${connection.url.replace(/\/+$/, '')}/admin/v1${apiPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new AdminApiError(response.status, parsed);
  return parsed as T;
}
