import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Context } from '../../cli/context.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { findEntry } from '../../core/catalog/index.js';
import { assertServerName } from '../../core/names.js';
import { oauthFetchOptions } from '../run/index.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export interface ToolArgument {
  name: string;
  type?: string;
  required: boolean;
  description?: string;
}

export interface ToolInfo {
  name: string;
  description?: string;
  arguments: ToolArgument[];
}

export interface ToolOptions {
  authorize?: boolean;
  verbose?: boolean;
}

/** A connected client for the entry: secrets resolved, OAuth grant checked (or obtained with --authorize). */
export async function openSession(ctx: Context, name: string, options: ToolOptions): Promise<Client> {
  const entry = findEntry(await ctx.catalog(), assertServerName(name));
  const [{ resolveEntrySecrets }, { connectEntry }, { usesOAuth }] = await Promise.all([
    import('../../core/run/launch.js'),
    import('../../core/run/connect.js'),
    import('../../core/auth/classify.js'),
  ]);
  const secrets = await resolveEntrySecrets(entry, await ctx.resolver());
  if (usesOAuth(entry) && (await ctx.grants.grant(entry.name)) === undefined) {
    if (!options.authorize) {
      const { notAuthorized } = await import('../../core/oauth/errors.js');
      throw notAuthorized(entry.name, `${entry.name} needs authorization first`);
    }
    const { runAuthorize, printAuthorize } = await import('../oauth/authorize.js');
    printAuthorize(await runAuthorize(ctx, entry.name, {}), ctx.printer);
  }
  return connectEntry({
    entry,
    secrets,
    env: ctx.runtime.env,
    cwd: ctx.runtime.cwd,
    oauth: oauthFetchOptions(ctx, entry.name),
    ...(options.verbose ? { verbose: true } : {}),
  });
}

export function describeTools(tools: Array<{ name: string; description?: string; inputSchema?: { properties?: Record<string, { type?: unknown; description?: string }>; required?: string[] } }>): ToolInfo[] {
  return tools.map((tool) => {
    const properties = tool.inputSchema?.properties ?? {};
    const required = new Set(tool.inputSchema?.required ?? []);
    return {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      arguments: Object.entries(properties).map(([argName, schema]) => ({
        name: argName,
        ...(typeof schema.type === 'string' ? { type: schema.type } : {}),
        required: required.has(argName),
        ...(schema.description ? { description: schema.description } : {}),
      })),
    };
  });
}

export async function listTools(ctx: Context, name: string, options: ToolOptions): Promise<{ server: string; tools: ToolInfo[] }> {
  const client = await openSession(ctx, name, options);
  try {
    const { tools } = await client.listTools();
    return { server: name, tools: describeTools(tools as Parameters<typeof describeTools>[0]) };
  } finally {
    await client.close();
  }
}

export function printTools(result: { tools: ToolInfo[] }, printer: Printer): void {
  if (result.tools.length === 0) {
    printer.note('The server offers no tools.');
    return;
  }
  for (const tool of result.tools) {
    const args = tool.arguments.map((arg) => (arg.required ? `${arg.name}` : `[${arg.name}]`)).join(' ');
    printer.line(`${printer.style.bold(tool.name)}${args ? ` ${args}` : ''}`);
    if (tool.description) printer.line(`  ${tool.description.split('\n')[0]}`);
  }
}

export function registerList(parent: Command, runtime: Runtime): void {
  parent
    .command('list')
    .alias('ls')
    .description("list a server's tools: name, description, arguments")
    .addArgument(serverArgument())
    .option('--json', 'machine-readable output')
    .option('--authorize', 'run the OAuth authorization first when there is no grant')
    .option('--verbose', "show the local server's own stderr")
    .addHelpText('after', examples('mcpkey tools list memory', 'mcpkey tools list linear --json'))
    .action(
      action<ToolOptions & { json?: boolean }>(runtime, async (ctx, [name], options) => {
        const result = await listTools(ctx, name!, options);
        if (options.json) ctx.printer.json(result);
        else printTools(result, ctx.printer);
      }),
    );
}
