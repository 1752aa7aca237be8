import { CliError, ExitCode } from '../core/errors.js';
import { clip, escapeControls, safeJson } from '../core/text.js';
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

/**
 * Commander's message without what was typed as a value: `--value=S3CRET` may be a secret put in the
 * wrong place, and so may the value of an option refused for not being one of its choices.
 */
export function commanderMessage(message: string): string {
  return clip(
    message
      .replace(/^error:\s*/, '')
      .split('\n')[0]!
      .replace(/'(-{1,2}[^'=\s]*)=[^']*'/g, "'$1=…'")
      .replace(/'-([A-Za-z])[^'-][^']*'/g, "'-$1…'")
      .replace(/ argument '[^']*' is invalid/, ' has an invalid value')
      .replace(/ value '[^']*' is invalid/, ' value is invalid'),
    200,
  );
}

/** A non-mcpkey error's first line, without what Node quotes of the offending value ("Received '…'"). */
function unexpectedMessage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return clip(message.replace(/\.?\s*Received\b.*$/s, ''), 200);
}

function commandPath(argv: string[]): string {
  // Command words only: an argument may be a value typed in the wrong place.
  const words: string[] = [];
  for (const word of argv.filter((arg) => !arg.startsWith('-')).slice(0, 2)) {
    if (!/^[a-z][a-z-]{0,20}$/.test(word)) break;
    words.push(word);
  }
  return ['mcpkey', ...words].join(' ');
}

export function reportError(error: unknown, runtime: Runtime): number {
  // Only mcpkey's own flags count: what follows `--` belongs to a server's command line.
  const end = runtime.argv.indexOf('--');
  const json = (end === -1 ? runtime.argv : runtime.argv.slice(0, end)).includes('--json');
  const write = (code: string, message: string, hint: string | undefined, exitCode: number) => {
    if (json) {
      runtime.stderr.write(`${safeJson({ error: { code, message, ...(hint ? { hint } : {}), exitCode } })}\n`);
    } else {
      // One line, and nothing in it a terminal would act on: messages may quote a server or a file.
      runtime.stderr.write(`mcpkey: ${escapeControls(message)}${hint ? ` — ${escapeControls(hint)}` : ''}\n`);
    }
    return exitCode;
  };
  if (error instanceof CliError) return write(error.code, error.message, error.hint, error.exitCode);
  if (isCommanderError(error)) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `mcpkey secret` without a subcommand: the help already went to stderr.
    if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return ExitCode.usage;
    return write(error.code.replace('commander.', ''), commanderMessage(error.message), `see \`${commandPath(runtime.argv)} --help\``, ExitCode.usage);
  }
  if (runtime.env.MCPKEY_DEBUG) runtime.stderr.write(`${escapeControls((error as Error)?.stack ?? String(error), '\n')}\n`);
  return write('unexpected', `unexpected error: ${unexpectedMessage(error)}`, 'this is a bug; rerun with MCPKEY_DEBUG=1 and report it', ExitCode.unexpected);
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
