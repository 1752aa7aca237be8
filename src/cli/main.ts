import { ExitCode } from '../core/errors.js';
import type { Runtime } from './io.js';
import type { CommandTree } from './report.js';
import { version } from '../core/version.js';

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
    if (argv.length === 2 && argv[0] === 'completion') {
      const [{ readFile }, { hasScript, scriptUrl }] = await Promise.all([import('node:fs/promises'), import('../completion/scripts.js')]);
      const shell = argv[1]!;
      if (hasScript(shell)) {
        runtime.stdout.write(await readFile(scriptUrl(shell), 'utf8'));
        return ExitCode.ok;
      }
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
