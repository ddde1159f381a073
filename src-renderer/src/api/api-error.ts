import type { ErrorBody } from '../../../src-main/contract/studio-api';

/**
 * A failed API call. Carries the server's `{error, detail}` body so the UI can show
 * the server's own words (e.g. "httpPort: must be an integer"). `status` is 0 when
 * the server could not be reached at all.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly detail: string;

  constructor(status: number, body: ErrorBody) {
    super(body.detail || body.error);
    this.name = 'ApiError';
    this.status = status;
    this.error = body.error;
    this.detail = body.detail;
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.error === 'string' && typeof body.detail === 'string';
}

/** A message fit for the UI, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
