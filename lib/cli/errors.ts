/**
 * Exit codes of the CLI and the error for invalid command lines.
 *
 * @module
 */

/** The command finished its work. */
export const EXIT_OK = 0;
/** The run failed, or it was interrupted or paused before it finished. */
export const EXIT_FAILED = 1;
/** Invalid input: a bad flag, an invalid experiment file or an unknown test id. */
export const EXIT_USAGE = 2;

/** An invalid command line, such as an unknown flag or a value out of range; exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
