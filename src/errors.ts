/**
 * The one error hierarchy of Rapport. Every failure a user can cause is an AppError with a
 * stable `code`; the HTTP error handler maps codes to statuses and the CLI maps them to exit
 * codes, each in exactly one place. Codes are part of the public contract: never rename one.
 */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'usage'
  | 'unavailable'
  | 'rate_limited'
  | 'payload_too_large'
  | 'bad_input';

export interface ErrorDetail {
  /** Where the problem is: a field path, a file and line, a flag. */
  where: string;
  reason: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON() {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('validation', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, key: string) {
    super('not_found', `${what} not found: ${key}`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this') {
    super('forbidden', message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in or send a valid API token') {
    super('unauthorized', message);
  }
}

/** The command line was used wrongly (unknown flag, missing argument): exit code 2. */
export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** A dependency outside the process (database server, mail server) cannot be reached. */
export class UnavailableError extends AppError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
