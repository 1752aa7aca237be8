import type { Handler } from './action.js';
import type { Runtime } from './io.js';

/**
 * The invocations made constantly, in their plainest form: `run NAME` (every MCP client start),
 * `secret get NAME` (scripts, `$(…)`), `secret list`, `server list` and `oauth ls`. Served without
 * commander and the command tree (about a bare Node start's worth of CPU), through the very handler
 * commander would call, with the options commander would parse from these words. Anything else (another
 * option, `--help`, a word starting with `-`) goes through commander as before.
 */
type Served = { load: () => Promise<Handler<never>>; args: string[]; options: Record<string, boolean> };

const plain = (word: string | undefined): word is string => word !== undefined && !word.startsWith('-');

function match(argv: readonly string[]): Served | undefined {
  const [noun, verb, name, ...rest] = argv;
  if (noun === 'secret' && verb === 'get' && plain(name) && rest.length === 0) {
    return { load: async () => (await import('../commands/secret/get.js')).getAction, args: [name], options: {} };
  }
  // `run NAME`, `run NAME -- command…`: after `--` every word is the command's.
  if (noun === 'run' && plain(verb) && (name === undefined || name === '--')) {
    return { load: async () => (await import('../commands/run/index.js')).runAction, args: [verb, ...rest], options: {} };
  }
  const json: Record<string, boolean> | undefined = name === undefined ? {} : name === '--json' && rest.length === 0 ? { json: true } : undefined;
  if (json === undefined) return undefined;
  if (noun === 'secret' && (verb === 'list' || verb === 'ls')) {
    return { load: async () => (await import('../commands/secret/list.js')).listAction, args: [], options: json };
  }
  if (noun === 'server' && (verb === 'list' || verb === 'ls')) {
    return { load: async () => (await import('../commands/server/list.js')).listAction, args: [], options: json };
  }
  if (noun === 'oauth' && (verb === 'ls' || verb === 'list')) {
    return { load: async () => (await import('../commands/oauth/ls.js')).lsAction, args: [], options: json };
  }
  return undefined;
}

/** The exit code of an invocation served here, or undefined when commander is to parse it. */
export async function serveDirect(argv: readonly string[], runtime: Runtime): Promise<number | undefined> {
  const served = match(argv);
  if (!served) return undefined;
  try {
    const [handler, { commandContext }] = await Promise.all([served.load(), import('./action.js')]);
    await (handler as Handler<Record<string, boolean>>)(await commandContext(runtime, {}), served.args, served.options);
    return runtime.exitCode ?? 0;
  } catch (error) {
    // An unknown server's hint names the command as it should be typed: that takes the command tree.
    const unknownServer = (error as { code?: unknown } | undefined)?.code === 'unknown_server';
    const tree = unknownServer ? await (await import('./program.js')).buildProgram(runtime, [...argv]) : undefined;
    const { reportError } = await import('./report.js');
    return reportError(error, runtime, tree);
  }
}
