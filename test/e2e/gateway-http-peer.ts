/**
 * A stand-in for the gateway on a pair of streams: a real MCP server (SDK v2, both eras on stdio) with
 * an `echo` tool, a `slow` tool that reports progress and waits to be released, and `addTool()` to
 * change its tool list. Each instance is recorded, so tests can see how many the HTTP front started.
 */
import type { Readable, Writable } from 'node:stream';
import { fromJsonSchema, McpServer, type JsonSchemaType } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';

export interface StandIn {
  serve: (streams: { stdin: Readable; stdout: Writable }) => Promise<number>;
  instances: McpServer[];
  /** How many stream pairs were served (one per 2025-era session, one shared by 2026-07-28 callers). */
  connections: () => number;
  /** How many `slow` calls are waiting. */
  waiting: () => number;
  /** Releases every `slow` call waiting. */
  release: () => void;
  /** Adds a tool to every instance (each sends its list-changed notification). */
  addTool: (name: string) => void;
}

const schema = <T>(properties: Record<string, unknown>, required: string[] = []) => fromJsonSchema<T>({ type: 'object', properties, required } as JsonSchemaType);
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

export function standIn(): StandIn {
  const instances: McpServer[] = [];
  let waiting: Array<() => void> = [];
  let connections = 0;
  const serve = async ({ stdin, stdout }: { stdin: Readable; stdout: Writable }): Promise<number> => {
    connections += 1;
    // serveStdio pins one instance per connection, of the era the opening message selects.
    const handle = serveStdio(
      () => {
        const server = new McpServer({ name: 'stand-in', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
        server.registerTool('echo', { description: 'Returns its text', inputSchema: schema<{ text: string }>({ text: { type: 'string' } }, ['text']) }, ({ text: value }) => text(value));
        server.registerTool(
          'headered',
          { description: 'Returns its region, which clients mirror into Mcp-Param-Region', inputSchema: schema<{ region: string }>({ region: { type: 'string', 'x-mcp-header': 'Region' } }, ['region']) },
          ({ region }) => text(region),
        );
        server.registerTool('slow', { description: 'Reports progress, then waits to be released', inputSchema: schema<{ tag?: string }>({ tag: { type: 'string' } }) }, async ({ tag }, ctx) => {
          const token = ctx.mcpReq._meta?.progressToken;
          if (token !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } });
          await new Promise<void>((resolve) => waiting.push(resolve));
          return text(`released ${tag ?? ''}`);
        });
        instances.push(server);
        return server;
      },
      { transport: new StdioServerTransport(stdin, stdout) },
    );
    await new Promise<void>((resolve) => {
      stdin.once('end', resolve);
      stdin.once('close', resolve);
    });
    await handle.close().catch(() => undefined);
    return 0;
  };
  return {
    serve,
    instances,
    connections: () => connections,
    waiting: () => waiting.length,
    release: () => {
      const released = waiting;
      waiting = [];
      for (const resolve of released) resolve();
    },
    addTool: (name) => {
      for (const server of instances) {
        try {
          server.registerTool(name, { description: `added ${name}` }, () => text(name));
        } catch {
          // an instance whose connection has ended cannot say its list changed
        }
      }
    },
  };
}
