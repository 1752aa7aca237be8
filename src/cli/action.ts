import type { Command } from 'commander';
import type { Context, GlobalOptions } from './context.js';
import type { Runtime } from './io.js';

export type Handler<O> = (ctx: Context, args: string[], options: O) => Promise<void>;

/** Adapts a handler to commander: builds the context from the global options, passes the parsed arguments. */
export function action<O>(runtime: Runtime, handler: Handler<O>): (...all: unknown[]) => Promise<void> {
  return async (...all: unknown[]) => {
    const command = all[all.length - 1] as Command;
    const ctx = await commandContext(runtime, command.optsWithGlobals<GlobalOptions>());
    const args = (command.processedArgs as unknown[]).flatMap((arg) => (arg === undefined ? [] : arg)) as string[];
    await handler(ctx, args, command.opts() as O);
  };
}

/** The context a command runs with (also for invocations main.ts serves without commander). */
export async function commandContext(runtime: Runtime, globals: GlobalOptions): Promise<Context> {
  // Loaded only when a command runs: --help and usage errors never pay for output, keychain or config code.
  const [{ createContext }, { preloadColor }] = await Promise.all([import('./context.js'), import('./output.js')]);
  const ctx = createContext(runtime, globals);
  // chalk only where colour can be written (a terminal, no NO_COLOR).
  if (ctx.printer.color) await preloadColor();
  return ctx;
}

/** Help text examples, in one format everywhere. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** For repeatable options: `--arg a --arg b` → ['a', 'b']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
