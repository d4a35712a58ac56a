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

/**
 * SDK errors that mean the configuration is wrong, not that the step failed: no credentials anywhere
 * in the chain. They surface on the first call, a read, so nothing has changed. Exit code 2, with a fix.
 */
export function configurationError(err: unknown): UserError | undefined {
  if (err instanceof Error && err.name === 'CredentialsProviderError')
    return new UserError(
      `no AWS credentials found (${err.message})`,
      'credentials',
      'in CI pass role-to-assume (OIDC); locally set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; `cendence doctor` checks the setup',
    );
  return undefined;
}

/** One readable line for an error: "where: message (fix)". */
export function describeError(error: unknown): string {
  const err = configurationError(error) ?? error;
  if (err instanceof UserError) {
    const where = err.where ? `${err.where}: ` : '';
    const fix = err.fix ? `\n  fix: ${err.fix}` : '';
    return `${where}${err.message}${fix}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function exitCodeOf(error: unknown): number {
  const err = configurationError(error) ?? error;
  if (err instanceof UserError || err instanceof StepFailed) return err.exitCode;
  return 1;
}
