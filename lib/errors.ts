// Typed errors with stable codes; each transport (HTTP, socket ack, job) has one mapper.
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    status: number,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = options?.details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("validation_failed", message, 422, { details });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in to continue") {
    super("unauthenticated", message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You do not have permission to do this") {
    super("forbidden", message, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super("not_found", `${what} not found`, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super("conflict", message, 409);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super("payload_too_large", `Body exceeds ${limit} bytes`, 413);
  }
}

export class UpstreamError extends AppError {
  readonly retryable: boolean;
  constructor(
    message: string,
    retryable: boolean,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super("upstream_failed", message, 502, options);
    this.retryable = retryable;
  }
}

/** Job payloads that can never succeed: retrying would only repeat the failure. */
export class NonRetryableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("non_retryable", message, 500, options);
  }
}
