/**
 * Every error a user can cause is a CliError: a one-line message, a stable
 * machine-readable `code`, the process exit code, and a hint saying what to do next.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  notReady: 4,
  keychainUnavailable: 5,
  config: 6,
  oauth: 7,
  toolError: 8,
  serverFailed: 9,
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  code: string;
  exitCode: number;
  hint?: string;
  cause?: unknown;
}

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: CliErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = options.code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string, code = 'usage') {
    super(message, { code, exitCode: ExitCode.usage, hint });
  }
}

export class NotFoundError extends CliError {
  constructor(message: string, hint?: string, code = 'not_found') {
    super(message, { code, exitCode: ExitCode.notFound, hint });
  }
}

export class NotReadyError extends CliError {
  /** The `mcpkey ...` commands that would make the entry ready. */
  readonly nextSteps: string[];
  constructor(message: string, nextSteps: string[], hint?: string, code = 'not_ready') {
    super(message, { code, exitCode: ExitCode.notReady, hint });
    this.nextSteps = nextSteps;
  }
}

/** No keychain to talk to. The hint says what to start or create; keychain-errors.ts gives one per cause. */
export class KeychainUnavailableError extends CliError {
  constructor(detail: string, cause?: unknown, hint = 'start a Secret Service (e.g. gnome-keyring) or provide the secret through an environment variable or a .env.mcp file') {
    super(`the OS keychain is unavailable (${detail})`, {
      code: 'keychain_unavailable',
      exitCode: ExitCode.keychainUnavailable,
      hint,
      cause,
    });
  }
}

export class ConfigError extends CliError {
  constructor(message: string, hint: string, code = 'config_invalid') {
    super(message, { code, exitCode: ExitCode.config, hint });
  }
}

export class CancelledError extends CliError {
  constructor(message = 'cancelled') {
    super(message, { code: 'cancelled', exitCode: ExitCode.cancelled });
  }
}

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}
