import { ApiError, isErrorBody } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

let onUnauthorized: (() => void) | null = null;

/**
 * Called when any request comes back 401, so an expired session sends the user to
 * the login screen instead of leaving every panel showing its own error.
 */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Login answers 401 for a wrong token; that is not a lost session. */
  ignoreUnauthorized?: boolean;
}

/** One JSON call to the studio API on this page's origin. 204 resolves to undefined. */
export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, {
      error: 'unreachable',
      detail: 'Cannot reach the studio server. Is it still running?',
    });
  }

  if (response.status === 401 && !options.ignoreUnauthorized) onUnauthorized?.();

  if (!response.ok) throw new ApiError(response.status, await readErrorBody(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function readErrorBody(response: Response) {
  const fallback = { error: `http_${response.status}`, detail: `${response.status} ${response.statusText}`.trim() };
  try {
    const body: unknown = await response.json();
    return isErrorBody(body) ? body : fallback;
  } catch {
    return fallback;
  }
}
