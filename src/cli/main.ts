import { ExitCode } from '../core/errors.js';
import type { Runtime } from './io.js';
import type { CommandTree } from './report.js';

/**
 * Runs one invocation and returns its exit code. Never calls process.exit: the bin shim does.
 * `fastPathsAsked`: the caller (bin/) has already offered argv to fast.cjs, which declined it.
 */
export async function main(runtime: Runtime, { fastPathsAsked = false }: { fastPathsAsked?: boolean } = {}): Promise<number> {
  const argv = runtime.argv;
  let tree: CommandTree | undefined;
  try {
    // How every MCP client starts the gateway, at every client start: served without commander, the
    // command tree or the CLI context (first, so that it does not even wait for the fast paths' module).
    if (argv.length === 1 && argv[0] === 'gateway') return await (await import('../commands/gateway/quick.js')).runQuickGateway(runtime);
    // Fast paths: no commander, no command modules (bin/ asks fast.cjs itself, before loading this file).
    if (!fastPathsAsked) {
      const { fastPath } = (await import('./fast.cjs')).default;
      const answered = await fastPath(argv, runtime);
      if (answered !== undefined) return answered;
    }
    // `run NAME`, `secret get NAME`, the plain listings: served without commander (direct.ts).
    const served = await (await import('./direct.js')).serveDirect(argv, runtime);
    if (served !== undefined) return served;
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
