import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from '../contract/studio-api.js';
import { Problem, type ProblemKind } from '../contract/problem.js';

/** The one place a Problem's kind becomes an HTTP status. */
export const statusOf: Readonly<Record<ProblemKind, number>> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  refused: 403,
  'too-large': 413,
  unsupported: 415,
  unavailable: 503,
};

export function sendError(reply: FastifyReply, statusCode: number, error: string, detail: string): FastifyReply {
  const body: ErrorBody = { error, detail };
  return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, 404, 'Not found', `No route for ${request.method} ${request.url.split('?')[0]}`);
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "body.httpPort: must be integer" — names the field, as a 400 must. */
export function describeValidation(context: string | undefined, issue: ValidationIssue | undefined): string {
  if (!issue) return 'the request does not match the schema';
  const extra = issue.params?.additionalProperties ?? issue.params?.additionalProperty;
  const field = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const where = [context, field].filter(Boolean).join('.');
  if (issue.keyword === 'additionalProperties' && extra !== undefined) {
    const names = (Array.isArray(extra) ? extra : [extra]).map(String);
    return `${where ? `${where}.` : ''}${names.join(', ')}: unknown field`;
  }
  // A regular expression means nothing to the person who typed the value.
  if (issue.keyword === 'pattern') return `${where || 'request'}: contains characters that are not allowed here`;
  return `${where || 'request'}: ${issue.message ?? 'is not valid'}`;
}

/** One JSON error shape for everything: validation, parsing, the Problems code below throws and the unexpected. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { validationContext?: string; validation?: ValidationIssue[] }, request, reply) => {
    if (err instanceof Problem) return sendError(reply, statusOf[err.kind], err.title, err.detail);
    if (err.validation) {
      // An unknown field shows up twice (as "schema is false" and as additionalProperties); the latter reads better.
      const issue = err.validation.find((v) => v.keyword === 'additionalProperties') ?? err.validation[0];
      return sendError(reply, 400, 'Invalid request', describeValidation(err.validationContext, issue));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return sendError(reply, 400, 'Malformed JSON', err.message);
    }
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendError(reply, 400, 'Empty body', 'this request needs a JSON body');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 415, 'Unsupported media type', err.message);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err, url: request.url.split('?')[0] }, `${request.method} request failed`);
    return sendError(reply, status, status === 500 ? 'Internal error' : (STATUS_CODES[status] ?? 'Request refused'), err.message);
  });
  app.setNotFoundHandler(sendNotFound);
}

/**
 * Errors Fastify raises before any route runs (a URL whose percent-encoding is broken,
 * a malformed Content-Type), in the studio's own error shape.
 */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_BAD_URL') {
    void sendError(reply, 400, 'Invalid URL', 'the address has broken percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8)');
    return;
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  void sendError(reply, status, STATUS_CODES[status] ?? 'Bad request', err.message);
}
