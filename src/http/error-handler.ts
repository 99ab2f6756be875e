/**
 * Errors as RFC 9457 problem documents. AppError codes map to statuses here and only here;
 * Fastify's own errors (bad JSON, body too large, schema validation) become the matching
 * codes; anything else is logged in full and answered with a generic 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isUniqueViolation } from '../db/constraints.js';
import { isAppError, type ErrorCode, type ErrorDetail } from '../errors.js';
import { drainBeforeClose } from './linger.js';

export const STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  bad_input: 400,
  usage: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

const TITLES: Record<ErrorCode | 'internal', string> = {
  validation: 'Invalid request',
  bad_input: 'Malformed request',
  usage: 'Invalid request',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Request body too large',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal server error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | 'internal';
  instance: string;
  errors?: ErrorDetail[];
}

/** Seconds a client should wait before retrying a 503: a database restart takes a few. */
export const RETRY_AFTER_S = 5;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemOf(status: number, code: ErrorCode | 'internal', detail: string, instance: string, errors?: ErrorDetail[]): Problem {
  return {
    // A URN is a valid, stable problem type that needs no web page to resolve.
    type: `urn:rapport:problem:${code}`,
    title: TITLES[code],
    status,
    detail,
    code,
    instance: instance.split('?')[0] ?? instance,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  // Refused before the body was read while the client may still be sending it: read the
  // rest before closing.
  if (problem.status === 413 || problem.status === 415) drainBeforeClose(reply.request.raw, reply);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

function fromFastifyError(error: FastifyError): Problem | null {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problemOf(413, 'payload_too_large', error.message, '');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problemOf(415, 'bad_input', error.message, '');
  if (error.statusCode === 429) return problemOf(429, 'rate_limited', error.message || 'slow down and retry later', '');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return problemOf(error.statusCode, 'bad_input', error.message, '');
  return null;
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const instance = request.url;
  if (isAppError(error)) {
    // Unavailable means a dependency (the database server) is down for now: say when to retry.
    if (error.code === 'unavailable') reply.header('retry-after', String(RETRY_AFTER_S));
    return sendProblem(reply, problemOf(STATUS_OF[error.code], error.code, error.message, instance, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      where: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      reason: v.message ?? 'invalid',
    }));
    const first = errors[0];
    return sendProblem(reply, problemOf(400, 'validation', first ? `invalid ${first.where}: ${first.reason}` : 'invalid request', instance, errors));
  }
  // Two requests at the same moment both passed a uniqueness check; the database refused the
  // second (an address, a slug): a conflict to retry, not a fault of the server.
  if (isUniqueViolation(error)) {
    return sendProblem(reply, problemOf(409, 'conflict', 'a concurrent request stored the same thing a moment ago: reload and retry', instance));
  }
  const mapped = fromFastifyError(error);
  if (mapped) return sendProblem(reply, { ...mapped, instance: problemOf(400, 'bad_input', '', instance).instance });
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, problemOf(500, 'internal', 'Something went wrong on our side; it has been logged.', instance));
}
