import { ExitCode } from '../core/errors.js';
import type { Runtime } from './io.js';
import type { CommandTree } from './report.js';
import { version } from '../core/version.js';

/** The scripts `completion <shell>` prints (the same files src/commands/completion/print.ts reads). */
const COMPLETION_FILES: Readonly<Record<string, string>> = { bash: 'mcpkey.bash', zsh: '_mcpkey', fish: 'mcpkey.fish' };

/** Runs one invocation and returns its exit code. Never calls process.exit: the bin shim does. */
export async function main(runtime: Runtime): Promise<number> {
  const argv = runtime.argv;
  let tree: CommandTree | undefined;
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
    // `completion bash|zsh|fish` prints a file: shells run it at every start.
    if (argv.length === 2 && argv[0] === 'completion' && Object.hasOwn(COMPLETION_FILES, argv[1]!)) {
      const { readFile } = await import('node:fs/promises');
      runtime.stdout.write(await readFile(new URL(`../../completions/${COMPLETION_FILES[argv[1]!]}`, import.meta.url), 'utf8'));
      return ExitCode.ok;
    }
    const { buildProgram } = await import('./program.js');
    const program = await buildProgram(runtime, argv);
    tree = program;
    await program.parseAsync(argv, { from: 'user' });
    return runtime.exitCode ?? ExitCode.ok;
  } catch (error) {
    const { reportError } = await import('./report.js');
    return reportError(error, runtime, tree);
  }
}
