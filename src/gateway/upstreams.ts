import type { Tool } from '@modelcontextprotocol/client';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { CliError } from '../core/errors.js';
import type { McpConnection } from '../core/protocol/connection.js';
import type { ToolCache } from './cache.js';
import { textResult, type GatewayDeps, type ToolResult } from './types.js';

interface Upstream {
  opening?: Promise<McpConnection>;
  live?: McpConnection;
  /** Calls in progress: a server is not stopped under them. */
  busy: number;
  idle?: NodeJS.Timeout;
  lastError?: string;
  /** Bumped by stop(): a start still under way when the server was stopped closes what it opened. */
  generation: number;
}

export interface UpstreamOptions {
  deps: GatewayDeps;
  cache: ToolCache;
  idleMs: number;
  timeoutMs: number;
  log: (message: string) => void;
  /** A server's tool list differs from what the client was last told. */
  onToolsChanged: () => void;
}

/** One line for a tool result or mcp-status: mcpkey's message and its hint, never a stack. */
export function describeFailure(error: unknown): string {
  if (error instanceof CliError) return `${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}

class Deadline extends Error {}

/** The connection code, loaded when the first server starts: a gateway answering from its cache never needs it. */
let protocol: typeof import('../core/protocol/connection.js') | undefined;

/** Rejects with a Deadline after `ms` (and aborts `controller`), so a hanging server costs only its own call. */
function withDeadline<T>(work: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Deadline());
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The servers behind the gateway: each started on the first call that needs it (through the same
 * connection code as `run` and `tools`), stopped after `idleMs` without calls. Every server has its
 * own connection, so one that hangs or fails never holds up another.
 */
export class Upstreams {
  private readonly servers = new Map<string, Upstream>();
  private closed = false;

  constructor(private readonly options: UpstreamOptions) {}

  private state(name: string): Upstream {
    let upstream = this.servers.get(name);
    if (!upstream) this.servers.set(name, (upstream = { busy: 0, generation: 0 }));
    return upstream;
  }

  running(name: string): boolean {
    return this.servers.get(name)?.live !== undefined;
  }

  lastError(name: string): string | undefined {
    return this.servers.get(name)?.lastError;
  }

  /** The connection, opened once however many calls wait for it; its tools are listed into the cache. */
  open(entry: ResolvedEntry): Promise<McpConnection> {
    const upstream = this.state(entry.name);
    const generation = upstream.generation;
    upstream.opening ??= (async () => {
      this.options.log(`starting ${entry.name}`);
      protocol ??= await import('../core/protocol/connection.js');
      const connection = await this.options.deps.connect(entry);
      if (this.closed || upstream.generation !== generation) {
        await connection.close();
        throw new Error(this.closed ? 'the gateway is shutting down' : `${entry.name} was stopped while it started`);
      }
      // When its tools change the server says so (a 2025-era one unasked, a 2026-07-28 one on a listen stream): list again.
      connection.client.fallbackNotificationHandler = async (notification) => {
        if (notification.method === 'notifications/tools/list_changed') await this.relist(entry.name, connection).catch(() => undefined);
      };
      const caps = connection.client.getServerCapabilities() as { tools?: { listChanged?: boolean } } | undefined;
      if (connection.era === 'modern' && caps?.tools?.listChanged) await connection.client.listen({ toolsListChanged: true }).catch((error: Error) => this.options.log(`${entry.name}: change notifications unavailable: ${error.message}`));
      upstream.live = connection;
      await this.relist(entry.name, connection);
      upstream.lastError = undefined;
      return connection;
    })().catch((error: unknown) => {
      upstream.opening = undefined;
      const live = upstream.live;
      upstream.live = undefined;
      void live?.close();
      upstream.lastError = describeFailure(error);
      this.options.log(`${entry.name} failed: ${upstream.lastError}`);
      throw error;
    });
    return upstream.opening;
  }

  private async relist(name: string, connection: McpConnection): Promise<Tool[]> {
    const { listTools } = protocol!;
    const listing = await connection.run((client) => listTools(connection, client));
    for (const excluded of listing.excluded) this.options.log(`${name}: left out the tool ${excluded.name}: ${excluded.reason}`);
    if (this.options.cache.set(name, listing.tools)) this.options.onToolsChanged();
    return listing.tools;
  }

  /** Starts the server just to list its tools, and stops it again unless a call is using it. */
  async prime(entry: ResolvedEntry): Promise<void> {
    const controller = new AbortController();
    const wasRunning = this.running(entry.name);
    try {
      await withDeadline(this.open(entry), this.options.timeoutMs, controller);
    } catch (error) {
      if (error instanceof Deadline) this.state(entry.name).lastError = `did not answer within ${Math.round(this.options.timeoutMs / 1000)} s while listing its tools`;
      return;
    }
    if (!wasRunning && this.state(entry.name).busy === 0) await this.stop(entry.name);
  }

  /** Starts the server if needed and lists its tools (mcp-add): they stay running for the call that follows. */
  async tools(entry: ResolvedEntry): Promise<Tool[]> {
    const controller = new AbortController();
    const upstream = this.state(entry.name);
    upstream.busy += 1;
    try {
      const connection = await withDeadline(this.open(entry), this.options.timeoutMs, controller);
      return await withDeadline(this.relist(entry.name, connection), this.options.timeoutMs, controller);
    } finally {
      upstream.busy -= 1;
      this.scheduleIdle(entry.name);
    }
  }

  /** One tool call; every failure is a tool error naming the server, so the model can tell what happened. */
  async call(entry: ResolvedEntry, tool: string, args: Record<string, unknown>, signal: AbortSignal, onProgress?: (params: Record<string, unknown>) => void): Promise<ToolResult> {
    const upstream = this.state(entry.name);
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    upstream.busy += 1;
    clearTimeout(upstream.idle);
    try {
      const work = (async () => {
        const connection = await this.open(entry);
        const { reissuingOnBrokenStream } = protocol!;
        const options = { signal: controller.signal, timeout: this.options.timeoutMs, ...(onProgress ? { onprogress: onProgress } : {}) };
        // Over stdio the result is relayed as the server sent it (the client validates it against the
        // tool's output schema itself), as the `run` bridge does: no second decode of every result.
        if (!connection.http) return connection.run((client) => connection.relay(client, 'tools/call', { name: tool, arguments: args }, options));
        // Over HTTP the SDK's callTool also sets the headers the tool's `x-mcp-header` annotations ask for.
        const definition = this.options.cache.get(entry.name)?.tools.find((candidate) => candidate.name === tool);
        return connection.run((client) =>
          reissuingOnBrokenStream((send) => client.callTool({ name: tool, arguments: args }, { ...send, ...(definition ? { toolDefinition: definition } : {}) }), options),
        );
      })();
      return (await withDeadline(work, this.options.timeoutMs, controller)) as ToolResult;
    } catch (error) {
      if (signal.aborted) throw error;
      const seconds = Math.round(this.options.timeoutMs / 100) / 10;
      const why = error instanceof Deadline ? `did not answer within ${seconds} s` : describeFailure(error);
      upstream.lastError = why;
      return textResult(`mcpkey gateway: the server ${entry.name} failed on ${tool}: ${why}`, true);
    } finally {
      signal.removeEventListener('abort', abort);
      upstream.busy -= 1;
      this.scheduleIdle(entry.name);
    }
  }

  private scheduleIdle(name: string): void {
    const upstream = this.state(name);
    clearTimeout(upstream.idle);
    if (this.closed || upstream.busy > 0) return;
    upstream.idle = setTimeout(() => {
      if (upstream.busy === 0) void this.stop(name);
    }, this.options.idleMs);
  }

  /** Stops the server (idle, removed, or the gateway ends); the next call starts it again. */
  async stop(name: string): Promise<void> {
    const upstream = this.servers.get(name);
    if (!upstream) return;
    clearTimeout(upstream.idle);
    upstream.generation += 1;
    const opening = upstream.opening;
    upstream.opening = undefined;
    upstream.live = undefined;
    const connection = await opening?.catch(() => undefined);
    if (connection) {
      this.options.log(`stopping ${name}`);
      await connection.close();
    }
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.servers.keys()].map((name) => this.stop(name)));
  }
}
