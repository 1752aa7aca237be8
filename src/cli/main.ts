import { ExitCode } from '../core/errors.js';
import type { Runtime } from './io.js';
import type { CommandTree } from './report.js';

/** Runs one invocation and returns its exit code. Never calls process.exit: the bin shim does. */
export async function main(runtime: Runtime): Promise<number> {
  const argv = runtime.argv;
  let tree: CommandTree | undefined;
  try {
    // Fast paths: no commander, no command modules (bin/ asks fast.js itself, before loading this file).
    const { fastPath } = await import('./fast.js');
    if (await fastPath(argv, (text) => runtime.stdout.write(text))) return ExitCode.ok;
    if (argv[0] === '__complete') {
      const { complete } = await import('../completion/complete.js');
      return await complete(argv.slice(1), runtime);
    }
    // How every MCP client starts the gateway, at every client start: served without commander or the command tree.
    if (argv.length === 1 && argv[0] === 'gateway') {
      const [{ commandContext }, { runGateway }] = await Promise.all([import('./action.js'), import('../commands/gateway/index.js')]);
      return await runGateway(await commandContext(runtime, {}), {});
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
