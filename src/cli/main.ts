import { CliError, ExitCode } from '../core/errors.js';
import type { Runtime } from './io.js';
import { version } from '../core/version.js';

/** Commander's own errors, recognised without loading commander on the fast paths. */
interface CommanderLikeError {
  code: string;
  exitCode: number;
  message: string;
}

function isCommanderError(error: unknown): error is CommanderLikeError {
  return error instanceof Error && typeof (error as Partial<CommanderLikeError>).code === 'string' && (error as Partial<CommanderLikeError>).code!.startsWith('commander.');
}

function commandPath(argv: string[]): string {
  const words = argv.filter((word) => !word.startsWith('-')).slice(0, 2);
  return ['mcpkey', ...words].join(' ');
}

export function reportError(error: unknown, runtime: Runtime): number {
  // Only mcpkey's own flags count: what follows `--` belongs to a server's command line.
  const end = runtime.argv.indexOf('--');
  const json = (end === -1 ? runtime.argv : runtime.argv.slice(0, end)).includes('--json');
  const write = (code: string, message: string, hint: string | undefined, exitCode: number) => {
    if (json) {
      runtime.stderr.write(`${JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}), exitCode } })}\n`);
    } else {
      runtime.stderr.write(`mcpkey: ${message}${hint ? ` — ${hint}` : ''}\n`);
    }
    return exitCode;
  };
  if (error instanceof CliError) return write(error.code, error.message, error.hint, error.exitCode);
  if (isCommanderError(error)) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `mcpkey secret` without a subcommand: the help already went to stderr.
    if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return ExitCode.usage;
    const message = error.message.replace(/^error:\s*/, '').split('\n')[0]!;
    return write(error.code.replace('commander.', ''), message, `see \`${commandPath(runtime.argv)} --help\``, ExitCode.usage);
  }
  if (runtime.env.MCPKEY_DEBUG) runtime.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return write('unexpected', `unexpected error: ${message}`, 'this is a bug; rerun with MCPKEY_DEBUG=1 and report it', ExitCode.unexpected);
}

/** Runs one invocation and returns its exit code. Never calls process.exit: the bin shim does. */
export async function main(runtime: Runtime): Promise<number> {
  const argv = runtime.argv;
  try {
    // Fast paths: no commander, no command modules.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
      runtime.stdout.write(`${version()}\n`);
      return ExitCode.ok;
    }
    if (argv[0] === '__complete') {
      const { complete } = await import('../completion/complete.js');
      return await complete(argv.slice(1), runtime);
    }
    const { buildProgram } = await import('./program.js');
    await buildProgram(runtime).parseAsync(argv, { from: 'user' });
    return runtime.exitCode ?? ExitCode.ok;
  } catch (error) {
    return reportError(error, runtime);
  }
}
