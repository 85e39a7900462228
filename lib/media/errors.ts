import { AppError } from "@/lib/errors";

/** The file exists as a message but not as bytes we can serve: still downloading, or given up on. */
export class MediaUnavailableError extends AppError {
  constructor(reason: string, state: string) {
    super("media_unavailable", `Media unavailable: ${reason}`, 404, { details: { state } });
  }
}
