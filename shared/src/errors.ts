// Errors a user can act on. Exit codes are part of the CLI contract (README "Exit codes"):
// 0 success, 1 the step ran and failed, 2 bad input or configuration (nothing was changed).

/** Bad input or configuration, detected before any mutating AWS call. Exit code 2. */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly exitCode = 2;
  constructor(
    message: string,
    /** Where the problem is: a file, a field path, a service name. */
    readonly where?: string,
    /** What to do about it. */
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** The step ran and did not succeed (a deployment failed, a test failed, a task exited non-zero). Exit code 1. */
export class StepFailed extends Error {
  override readonly name = 'StepFailed';
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A file system error that means "not there" (a missing file, or a path through a file). */
export function isMissingFile(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** One readable line for an error: "where: message (fix)". */
export function describeError(err: unknown): string {
  if (err instanceof UserError) {
    const where = err.where ? `${err.where}: ` : '';
    const fix = err.fix ? `\n  fix: ${err.fix}` : '';
    return `${where}${err.message}${fix}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UserError || err instanceof StepFailed) return err.exitCode;
  return 1;
}
