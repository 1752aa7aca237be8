import type { Command } from 'commander';
import { action, collect, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { listServerTools, type SessionOptions } from '../../cli/session.js';
import { printable } from '../../core/names.js';
import type { ToolInfo } from '../../core/protocol/tools.js';

/** The options of every `tools` command: how to reach the server and how to answer its questions. */
export function sessionOptions(command: Command): Command {
  return command
    .option('--authorize', 'authorize in the browser when there is no grant or the server asks for more scope (default on a terminal for more scope)')
    .option('--timeout <seconds>', 'how long each request may wait for its answer (default 60, or MCPKEY_REQUEST_TIMEOUT)')
    .option('--protocol <revision>', 'force an MCP revision: 2026-07-28, 2025-11-25, or auto (default: negotiate)')
    .option('--elicit <mode>', 'answer servers that ask for input: ask (on a terminal), decline (default without one), accept-defaults')
    .option('--input <name=json>', 'an answer given in advance to a server that asks for input (repeatable)', collect)
    .option('--verbose', "show the local server's own stderr");
}

export function printTools(result: { tools: ToolInfo[] }, printer: Printer): void {
  if (result.tools.length === 0) {
    printer.note('The server offers no tools.');
    return;
  }
  for (const tool of result.tools) {
    const args = tool.arguments.map((arg) => (arg.required ? `${arg.name}` : `[${arg.name}]`)).join(' ');
    printer.line(`${printer.style.bold(printable(tool.name, 200))}${args ? ` ${printable(args, 10_000)}` : ''}`);
    if (tool.description) printer.line(`  ${printable(tool.description.split('\n')[0]!, 10_000)}`);
  }
}

export function registerList(parent: Command, runtime: Runtime): void {
  sessionOptions(
    parent
      .command('list')
      .alias('ls')
      .description("list a server's tools: name, description, arguments")
      .addArgument(serverArgument())
      .option('--json', 'machine-readable output'),
  )
    .addHelpText('after', examples('mcpkey tools list memory', 'mcpkey tools list linear --json'))
    .action(
      action<SessionOptions & { json?: boolean }>(runtime, async (ctx, [name], options) => {
        const result = await listServerTools(ctx, name!, options);
        // The left-out tools were warned about on stderr already; --json repeats them in `warnings`.
        if (options.json) ctx.printer.json({ ...result, warnings: result.excluded.map((tool) => `left out the tool ${tool.name}: ${tool.reason}`) });
        else printTools(result, ctx.printer);
      }),
    );
}
