/**
 * Domain errors. Services throw these; `lib/http/problem.ts` maps them to
 * RFC 9457 problem responses in one place. No HTTP knowledge lives here.
 */

/** Base class: every domain error carries a safe, user-facing message. */
export class DomainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A field-level problem with the caller's input. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The thing asked for does not exist (or the caller may not know it exists). */
export class NotFoundError extends DomainError {}

/** The input is malformed or breaks a rule. */
export class ValidationError extends DomainError {
  readonly issues: FieldIssue[];
  constructor(message: string, options?: ErrorOptions & { issues?: FieldIssue[] }) {
    super(message, options);
    this.issues = options?.issues ?? [];
  }
}

/** The request conflicts with current state (duplicate, already done). */
export class ConflictError extends DomainError {}

/** The caller is known but lacks the permission. */
export class ForbiddenError extends DomainError {}

/**
 * The caller's role requires a second factor they have not enrolled: until
 * they do, only enrolment answers.
 */
export class MfaEnrolmentRequiredError extends ForbiddenError {}

/** The caller is not authenticated, or the credentials are wrong. */
export class UnauthorizedError extends DomainError {}

/** The caller made too many attempts; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A dependency (database, subprocess) is not available right now. */
export class UnavailableError extends DomainError {}
