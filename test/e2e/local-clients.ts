/**
 * Real MCP clients of both eras on the stdio side of `mcpkey run NAME`: the SDK v1 client (a 2025-era
 * desktop client: `initialize`, unsolicited notifications, `elicitation/create` requests) and the SDK v2
 * client negotiating on stdio (a 2026-07-28 client: `server/discover`, `_meta` on every request,
 * `subscriptions/listen`, `input_required` results).
 */
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdio } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, ResultSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdio } from '@modelcontextprotocol/client/stdio';
import { BIN, type Sandbox } from './helpers.js';

export type LocalEra = '2025-11-25' | '2026-07-28';
export const LOCAL_ERAS: readonly LocalEra[] = ['2025-11-25', '2026-07-28'];

/** What the local client answers to an elicitation, and what it saw. */
export interface ElicitAnswerer {
  asked: Array<Record<string, unknown>>;
  answer: (params: Record<string, unknown>) => Record<string, unknown>;
}

export interface LocalSessionOptions {
  /** Declare the elicitation capability and answer with this. */
  elicit?: ElicitAnswerer;
  env?: Record<string, string>;
  /** `mcpkey run` arguments after the name (e.g. --protocol). */
  runArgs?: string[];
  /** Another mcpkey command line instead of `run NAME` (e.g. `gateway`). */
  command?: string[];
}

export interface LocalSession {
  era: LocalEra;
  client: LegacyClient | ModernClient;
  /** The names of the tools, through the client's own `listTools`. */
  toolNames: () => Promise<string[]>;
  /** `tools/call` through the client's own `callTool`; the signal cancels it. */
  call: (name: string, args?: Record<string, unknown>, signal?: AbortSignal) => Promise<Record<string, unknown>>;
  /** Any request, its result taken as it is. */
  request: (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;
  /** `tools/list_changed` notifications the client received. */
  listChanged: () => number;
  /** The bridge's stderr (the SDK v2 probe sibling's is discarded by the SDK). */
  stderr: () => string;
  /** Every JSON-RPC message the bridge wrote to the client, in order. */
  received: Array<Record<string, any>>;
  /** Every JSON-RPC message the client wrote to the bridge, in order. */
  sent: Array<Record<string, any>>;
  close: () => Promise<void>;
}

/** Keeps a copy of every message the transport carries, whoever sets its `onmessage` later. */
function tap(transport: { onmessage?: (message: any, extra?: any) => void; send(message: any, options?: any): Promise<void> }, received: Array<Record<string, any>>, sent: Array<Record<string, any>>): void {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => (sent.push(message), send(message, options));
  let inner: ((message: any, extra?: any) => void) | undefined;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => (inner ? (message: any, extra?: any) => (received.push(message), inner!(message, extra)) : undefined),
    set: (handler) => (inner = handler),
  });
}

/** A result schema that takes whatever came. */
const ANYTHING = { '~standard': { version: 1 as const, vendor: 'test', validate: (value: unknown) => ({ value }) } };

type Text = { content?: Array<{ type: string; text?: string }> };

export function textOf(result: unknown): string {
  return ((result as Text).content ?? []).map((part) => part.text ?? '').join('');
}

/** Starts `mcpkey run NAME` under a client of the given era and connects it (initialize or discover). */
export async function localSession(sandbox: Sandbox, era: LocalEra, name: string, options: LocalSessionOptions = {}): Promise<LocalSession> {
  const params = {
    command: process.execPath,
    args: [BIN, ...(options.command ?? ['run', name, ...(options.runArgs ?? [])])],
    env: { ...(sandbox.baseEnv() as Record<string, string>), ...options.env },
    cwd: sandbox.cwd,
    stderr: 'pipe' as const,
  };
  let stderr = '';
  let changes = 0;
  const received: Array<Record<string, any>> = [];
  const sent: Array<Record<string, any>> = [];
  const info = { name: `local-${era}-client`, version: '1.0.0' };
  const capabilities = options.elicit ? { elicitation: { form: {} } } : {};
  const answer = async (request: { params: unknown }) => {
    const asked = request.params as Record<string, unknown>;
    options.elicit!.asked.push(asked);
    return options.elicit!.answer(asked) as never;
  };

  if (era === '2025-11-25') {
    const transport = new LegacyStdio(params);
    tap(transport, received, sent);
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new LegacyClient(info, { capabilities });
    if (options.elicit) client.setRequestHandler(ElicitRequestSchema, answer);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (changes += 1));
    await client.connect(transport, { timeout: 60_000 }).catch(async (error: unknown) => {
      await transport.close();
      throw new Error(`${(error as Error).message}\n${stderr}`);
    });
    const toolNames = async () => (await client.listTools(undefined, { timeout: 60_000 })).tools.map((tool) => tool.name);
    const call = (name: string, args: Record<string, unknown> = {}, signal?: AbortSignal) =>
      client.callTool({ name, arguments: args }, undefined, { timeout: 60_000, ...(signal ? { signal } : {}) }) as Promise<Record<string, unknown>>;
    const request = (method: string, params?: Record<string, unknown>) => client.request({ method, ...(params ? { params } : {}) }, ResultSchema, { timeout: 60_000 }) as Promise<Record<string, unknown>>;
    return { era, client, toolNames, call, request, listChanged: () => changes, stderr: () => stderr, received, sent, close: () => client.close() };
  }

  const transport = new ModernStdio(params);
  tap(transport, received, sent);
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new ModernClient(info, { capabilities, versionNegotiation: { mode: 'auto', probe: { timeoutMs: 60_000 } } });
  if (options.elicit) client.setRequestHandler('elicitation/create', answer);
  client.setNotificationHandler('notifications/tools/list_changed', () => void (changes += 1));
  await client.connect(transport, { timeout: 60_000 }).catch(async (error: unknown) => {
    await transport.close();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  });
  const toolNames = async () => (await client.listTools(undefined, { timeout: 60_000 })).tools.map((tool) => tool.name);
  const call = (name: string, args: Record<string, unknown> = {}, signal?: AbortSignal) =>
    client.callTool({ name, arguments: args }, { timeout: 60_000, ...(signal ? { signal } : {}) }) as Promise<Record<string, unknown>>;
  const request = (method: string, params?: Record<string, unknown>) => client.request({ method, ...(params ? { params } : {}) } as never, ANYTHING, { timeout: 60_000 }) as Promise<Record<string, unknown>>;
  return { era, client, toolNames, call, request, listChanged: () => changes, stderr: () => stderr, received, sent, close: () => client.close() };
}

/** Polls `check` until it holds; for state that other processes change (no fixed sleeps). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `body` against a bridge session and closes it; a failure carries the bridge's stderr. */
export async function withLocalSession<T>(sandbox: Sandbox, era: LocalEra, name: string, options: LocalSessionOptions, body: (session: LocalSession) => Promise<T>): Promise<T> {
  const session = await localSession(sandbox, era, name, options);
  try {
    return await body(session);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- bridge stderr ---\n${session.stderr()}`, { cause: error });
  } finally {
    await session.close();
  }
}
