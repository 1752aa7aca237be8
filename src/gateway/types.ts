import type { Readable, Writable } from 'node:stream';
import type { Readiness } from '../core/auth/classify.js';
import type { DisableResult } from '../core/catalog/disable.js';
import type { ResolvedEntry } from '../core/catalog/types.js';
import type { McpConnection } from '../core/protocol/connection.js';

/** What the gateway needs of mcpkey; the command builds it from the CLI context, tests may fake it. */
export interface GatewayDeps {
  /** The catalog and the enabled list as the config file says now: other mcpkey processes change it. */
  state(): Promise<{ catalog: ResolvedEntry[]; enabled: string[] }>;
  /** Kind, secrets present, grant status: read afresh (a secret may have been set since). */
  readiness(entry: ResolvedEntry): Promise<Readiness>;
  enable(name: string): Promise<void>;
  /** As `server disable`: off the enabled list, OAuth grant and registration cleared. */
  disable(name: string): Promise<DisableResult>;
  /** A session with the server, its secrets injected and its grant on the fetch exactly as `run` and `tools` do. */
  connect(entry: ResolvedEntry): Promise<McpConnection>;
  /**
   * The loopback authorization flow, without a browser: `onLink` gets the URL to hand to the person;
   * resolves once the grant is stored.
   */
  authorize(entry: ResolvedEntry, onLink: (url: string) => void): Promise<void>;
  /** MCPKEY_HOME: where the tool cache lives. */
  stateDir: string;
}

/** Everything about the gateway but the streams of one client session. */
export interface GatewaySettings {
  /** Diagnostics: never the protocol channel, never a secret. */
  log: (message: string) => void;
  deps: GatewayDeps;
  /** `--servers a,b`: these instead of the config's enabled list. */
  servers?: string[];
  /** False with `--no-dynamic`: mcp-find, mcp-add and mcp-remove are hidden. */
  dynamic: boolean;
  /** A server unused this long is stopped. */
  idleMs: number;
  /** How long one tool call may take, the server's start included. */
  timeoutMs: number;
  version: string;
  /**
   * What decides the exposed servers, as a key (startup.ts): with it, a first `tools/list` whose key
   * matches the last full listing's is answered from the tool cache before anything else loads.
   */
  startupKey?: () => Promise<string | undefined>;
}

export interface GatewayOptions extends GatewaySettings {
  stdin: Readable;
  stdout: Writable;
  /** Shared with other sessions (HTTP); without it the session has its own, closed when the session ends. */
  hub?: import('./hub.js').GatewayHub;
}

/** A tool result as MCP defines it (the parts the gateway writes). */
export interface ToolResult {
  content: Array<{ type: string; [key: string]: unknown }>;
  isError?: boolean;
  structuredContent?: unknown;
  [key: string]: unknown;
}

export function textResult(text: string, isError = false): ToolResult {
  return { content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) };
}
