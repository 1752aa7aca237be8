import { CliError } from '../errors.js';
import { formatSize, KiB, SECRET_VALUE_LIMIT } from '../limits.js';

/**
 * What the system refuses to start a program with, checked before trying: Node's own errors would
 * quote the value (a NUL byte), or say only "spawn E2BIG". Messages name the variable and the
 * secret, never a byte of the value.
 */

/** Linux's MAX_ARG_STRLEN: no single argument or `NAME=value` environment string may be longer. */
export const ARG_STRING_LIMIT = 128 * KiB;

export interface LaunchCheck {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** `run` exits 126 (the command could not be executed); `tools` reports a server that could not start. */
export function unlaunchable(message: string, exitCode: number, hint: string): CliError {
  return new CliError(message, { code: 'cannot_launch', exitCode, hint });
}

/**
 * Refuses, before anything starts, an environment or a command line the system would not take.
 * `secretOf` maps a variable to the secret it carries, for the message.
 */
export function assertLaunchable(spec: LaunchCheck, secretOf: Record<string, string>, exitCode: number = 126): void {
  const named = (variable: string) => (secretOf[variable] ? `the secret ${secretOf[variable]} (${variable})` : `the variable ${variable}`);
  const fix = (variable: string) => (secretOf[variable] ? `set it again: mcpkey secret set ${secretOf[variable]}` : `check ${variable}`);
  for (const [variable, value] of Object.entries(spec.env)) {
    if (value.includes('\0')) throw unlaunchable(`cannot start ${spec.command}: ${named(variable)} contains a NUL byte, which no program can receive`, exitCode, fix(variable));
    const size = Buffer.byteLength(variable) + 1 + Buffer.byteLength(value) + 1;
    if (size > ARG_STRING_LIMIT) {
      throw unlaunchable(
        `cannot start ${spec.command}: ${named(variable)} is ${formatSize(Math.ceil(size / KiB) * KiB)}, over the system's limit of ${formatSize(ARG_STRING_LIMIT)} for one variable (E2BIG)`,
        exitCode,
        `secrets may be at most ${formatSize(SECRET_VALUE_LIMIT)}; ${fix(variable)}`,
      );
    }
  }
  spec.args.forEach((arg, index) => {
    // An argument holds a secret only through a ${VAR} template; the message says which position.
    if (arg.includes('\0')) throw unlaunchable(`cannot start ${spec.command}: argument ${index + 1} contains a NUL byte, which no program can receive`, exitCode, 'check the secrets its ${VAR} templates use');
    if (Buffer.byteLength(arg) + 1 > ARG_STRING_LIMIT) {
      throw unlaunchable(`cannot start ${spec.command}: argument ${index + 1} is over the system's limit of ${formatSize(ARG_STRING_LIMIT)} (E2BIG)`, exitCode, `secrets may be at most ${formatSize(SECRET_VALUE_LIMIT)}`);
    }
  });
}

/** Node's spawn error, as one line without the value it may quote; E2BIG says what is too large. */
export function spawnFailure(command: string, error: NodeJS.ErrnoException, exitCode: number = 126): CliError {
  if (error.code === 'E2BIG') {
    return unlaunchable(`cannot start ${command}: its command line and environment together are too large for the system (E2BIG)`, exitCode, `secrets may be at most ${formatSize(SECRET_VALUE_LIMIT)} each; check the environment and the secrets with mcpkey secret list`);
  }
  return new CliError(`cannot start ${command}: ${error.code ?? 'the system refused it'}`, { code: 'spawn_failed', exitCode, hint: 'check that the command is executable' });
}
