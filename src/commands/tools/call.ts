import type { Command } from 'commander';
import { action, collect, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Context } from '../../cli/context.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { CliError, ExitCode, UsageError } from '../../core/errors.js';
import { parseJsonText } from '../../core/json-text.js';
import { printable } from '../../core/names.js';
import { openSession, type SessionOptions } from '../../cli/session.js';
import { sessionOptions } from './list.js';

export interface CallOptions extends SessionOptions {
  arg?: string[];
  jsonArgs?: string;
  json?: boolean;
}

type Schema = { properties?: Record<string, { type?: unknown }> };

/** `--arg k=v`: the value is typed after the tool's schema (numbers, booleans, JSON for objects and arrays). */
export function buildArguments(pairs: string[], jsonArgs: string | undefined, schema: Schema | undefined): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (jsonArgs !== undefined) {
    let parsed: unknown;
    // Not JSON.parse's message: it quotes the text around the fault, which may be a credential.
    const result = parseJsonText(jsonArgs);
    if (!result.ok) throw new UsageError(`--json-args is ${result.problem}`, `e.g. --json-args '{"text":"hi"}'`, 'invalid_option');
    parsed = result.value;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--json-args must be a JSON object', `e.g. --json-args '{"text":"hi"}'`, 'invalid_option');
    args = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    // Not echoed: without a "=", the whole of it may be a value.
    if (eq <= 0) throw new UsageError('an --arg is not NAME=VALUE', 'e.g. --arg text=hello', 'invalid_option');
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const type = schema?.properties?.[key]?.type;
    if (type === 'number' || type === 'integer') {
      const value = Number(raw);
      if (raw.trim() === '' || Number.isNaN(value)) throw new UsageError(`--arg ${key} must be a number`, `e.g. --arg ${key}=3`, 'invalid_option');
      args[key] = value;
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new UsageError(`--arg ${key} must be true or false`, `e.g. --arg ${key}=true`, 'invalid_option');
      args[key] = raw === 'true';
    } else if (type === 'object' || type === 'array') {
      try {
        args[key] = JSON.parse(raw);
      } catch {
        throw new UsageError(`--arg ${key} must be JSON (${String(type)})`, `or use --json-args`, 'invalid_option');
      }
    } else args[key] = raw;
  }
  return args;
}

export interface CallResult {
  server: string;
  tool: string;
  isError: boolean;
  content: Array<{ type: string; [key: string]: unknown }>;
  structuredContent?: unknown;
}

export async function callTool(ctx: Context, name: string, tool: string, options: CallOptions): Promise<CallResult> {
  const { connection } = await openSession(ctx, name, options);
  const { listTools, reissuingOnBrokenStream } = await import('../../core/protocol/connection.js');
  try {
    return await connection.run(async (client) => {
      // The listing comes first: it types --arg values and says which tools are left out.
      const listing = await listTools(connection, client);
      const found = listing.tools.find((candidate) => candidate.name === tool);
      if (!found) {
        const excluded = listing.excluded.find((candidate) => candidate.name === tool);
        if (excluded) {
          throw new CliError(`${name}'s tool ${printable(tool)} cannot be called as the server defines it: ${printable(excluded.reason, 300)}`, { code: 'invalid_tool', exitCode: ExitCode.serverFailed, hint: "report it to the server's maintainers; the other tools work" });
        }
        throw new CliError(`${name} has no tool "${printable(tool)}"`, { code: 'unknown_tool', exitCode: ExitCode.notFound, hint: `see mcpkey tools list ${name}` });
      }
      const args = buildArguments(options.arg ?? [], options.jsonArgs, found.inputSchema as Schema);
      // The definition tells the SDK which arguments to mirror into Mcp-Param headers.
      const result = await reissuingOnBrokenStream((send) => client.callTool({ name: tool, arguments: args }, { ...send, toolDefinition: found }), { timeout: connection.timeoutMs });
      return {
        server: name,
        tool,
        isError: result.isError === true,
        content: (result.content ?? []) as CallResult['content'],
        ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
      };
    });
  } finally {
    await connection.close();
  }
}

/** Text as text; anything else summarised in one line (mcpkey's words: the server's parts of it escaped). */
export function renderContent(content: CallResult['content']): string {
  const field = (value: unknown) => printable(String(value ?? ''), 200);
  return content
    .map((part) => {
      if (part.type === 'text') return String(part.text ?? '');
      if (part.type === 'image' || part.type === 'audio') {
        const size = typeof part.data === 'string' ? Math.floor((part.data.length * 3) / 4) : 0;
        return `[${part.type}: ${field(part.mimeType ?? 'unknown type')}, ${size} bytes]`;
      }
      if (part.type === 'resource_link') return `[resource link: ${field(part.uri)}]`;
      if (part.type === 'resource') return `[resource: ${field((part.resource as { uri?: string } | undefined)?.uri)}]`;
      return `[${field(part.type)}]`;
    })
    .join('\n');
}

/** The tool's text exactly as sent to a pipe; on a terminal with its control characters escaped. */
export function printCall(result: CallResult, printer: Printer): void {
  const text = renderContent(result.content);
  if (text) printer.raw(text);
}

export function registerCall(parent: Command, runtime: Runtime): void {
  sessionOptions(
    parent
      .command('call')
      .description('call one tool and print what it returns')
      .addArgument(serverArgument())
      .argument('<tool>', 'tool name')
      .option('--arg <name=value>', 'a tool argument (repeatable); typed after the tool’s schema', collect)
      .option('--json-args <json>', 'all arguments as one JSON object')
      .option('--json', 'print the raw result'),
  )
    .addHelpText(
      'after',
      examples('mcpkey tools call everything echo --arg message=hi', `mcpkey tools call linear list_issues --json-args '{"limit":5}' --json`),
    )
    .action(
      action<CallOptions>(runtime, async (ctx, [name, tool], options) => {
        const result = await callTool(ctx, name!, tool!, options);
        if (options.json) ctx.printer.json(result);
        else printCall(result, ctx.printer);
        if (result.isError) {
          throw new CliError(`the tool ${printable(tool ?? '')} reported an error`, { code: 'tool_error', exitCode: ExitCode.toolError, hint: 'see its message above' });
        }
      }),
    );
}
