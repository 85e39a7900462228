import { AppError } from "@/lib/errors";

/** Signed in, but MFA is required and not set up yet: only the enrolment page is open (HTTP 403). */
export class MfaEnrollmentRequiredError extends AppError {
  constructor() {
    super("mfa_enrollment_required", "Set up two-factor authentication to continue", 403);
  }
}

/** Invited or reset: the person must choose their own password before anything else (HTTP 403). */
export class PasswordChangeRequiredError extends AppError {
  constructor() {
    super("password_change_required", "Choose a new password to continue", 403);
  }
}
