import type { Client, DiscoverResult, PriorDiscovery, Tool } from '@modelcontextprotocol/client';
import type { Fetch } from '../oauth/discovery.js';
import { answerElicitation, canElicit, type ElicitationPolicy } from './elicitation.js';
import { connectionFailure, isEraRejection } from './failures.js';
import { schemaProblem, watchInbound } from './inbound.js';
import { RawCalls, type RawOptions } from './raw-calls.js';
import { createStdioTransport, localFailure, stdioContact, type StdioContact } from './stdio-contact.js';
import { MessageGuard } from './message-limit.js';
import { LEGACY_REVISION, MODERN_REVISION, type Era, type ProtocolChoice } from './revisions.js';
import { LOST_RESPONSE, reportLostResponses } from './lost-responses.js';
import { listAllTools, type ToolListing } from './tools.js';
import { noVerdicts, type Verdict, type VerdictStore } from './verdicts.js';

export { schemaProblem } from './inbound.js';

export type Target =
  | { kind: 'http'; url: string; transport: 'streamable-http' | 'sse'; fetch: Fetch }
  | {
      kind: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd: string;
      /** `tail`: kept (its last lines, `redact`ed) for the message should it fail to start. */
      stderr: 'inherit' | 'ignore' | 'tail';
      /** Values that must never appear in a message (the secrets it was given). */
      redact?: string[];
    };

export interface ConnectionOptions {
  /** The catalog name, for messages and as the verdict cache key. */
  server: string;
  target: Target;
  protocol: ProtocolChoice;
  verdicts?: VerdictStore;
  elicitation?: ElicitationPolicy;
  /** The bridge: a server's `elicitation/create` goes to the local client as it is (takes precedence over `elicitation`). */
  relayElicitation?: (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
  /** Per request, the probe and the handshake included (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
  clientVersion: string;
}

/** How long one request may wait for its answer, on every path that talks MCP (tools, inspect, the bridge). */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * A freshly started stdio server may first download itself (`npx -y`, `uvx`, `docker run`): until it
 * has said anything, a request waits at least this long (or until the process exits). Later requests
 * have the normal timeout.
 */
export const STARTUP_ALLOWANCE_MS = 180_000;

/**
 * One MCP session with a server, in whichever era it speaks. Every path that talks MCP (tools,
 * inspect, the bridge, the gateway) goes through this, so negotiation, the verdict cache and the
 * error wording exist once.
 */
export interface McpConnection {
  readonly client: Client;
  readonly era: Era;
  readonly protocolVersion: string;
  /** Reached over HTTP (where `x-mcp-header` annotations count), not stdio. */
  readonly http: boolean;
  /** The per-request timeout every request on this connection uses (the startup allowance until a stdio server has answered). */
  readonly timeoutMs: number;
  /** Tools the server listed whose schemas mcpkey cannot use (screened off the wire), and why. */
  readonly screened: ReadonlyMap<string, string>;
  /** Runs `op`; if the server rejects a cached era, forgets it, reconnects by probing, and runs `op` once more. */
  run<T>(op: (client: Client) => Promise<T>): Promise<T>;
  /**
   * A request whose result is passed on as the server sent it (the gateway's tool calls). To a
   * 2025-era server it goes past the SDK's request machinery (raw-calls.ts); otherwise through it.
   * Use it inside run().
   */
  relay(client: Client, method: string, params: Record<string, unknown>, options: RawOptions): Promise<unknown>;
  close(): Promise<void>;
}

/** A result schema that takes what the server sent as it is: the bridge relays, it does not reshape. */
export const passthrough = { '~standard': { version: 1 as const, vendor: 'mcpkey', validate: (value: unknown) => ({ value }) } };

export interface SendOptions {
  signal?: AbortSignal;
  timeout?: number;
}

/**
 * 2026-07-28 has no resumable streams: a response stream that ends without the response has lost
 * its request, which the server treats as cancelled. The request is sent again, once, as a new
 * request (the SDK gives it a new id).
 */
export async function reissuingOnBrokenStream<T>(send: (options: SendOptions) => Promise<T>, options: SendOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send(options);
    } catch (error) {
      if ((error as { code?: unknown }).code !== LOST_RESPONSE || options.signal?.aborted) throw error;
      if (attempt >= 2) throw new Error('the server closed the response stream twice without answering');
    }
  }
}

/** Every tool of the server, raw, with the ones whose schemas or header annotations are invalid set aside. */
export async function listTools(connection: McpConnection, client: Client, options: SendOptions = {}): Promise<ToolListing<Tool>> {
  const listing = await listAllTools<Tool>(
    (cursor) =>
      reissuingOnBrokenStream(
        (send) => client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, passthrough, send) as Promise<{ tools?: unknown[]; nextCursor?: string }>,
        { timeout: connection.timeoutMs, ...options },
      ),
    connection.http,
  );
  const tools: Tool[] = [];
  for (const tool of listing.tools) {
    const problem = schemaProblem(tool);
    if (problem) listing.excluded.push({ name: tool.name, reason: problem });
    else tools.push(tool);
  }
  // A 2026-07-28 listing is screened as it arrives (the SDK would refuse the whole of it).
  for (const [name, reason] of connection.screened) if (!listing.excluded.some((entry) => entry.name === name)) listing.excluded.push({ name, reason });
  return { tools, excluded: listing.excluded };
}

function cacheKey(options: ConnectionOptions): string {
  const { target } = options;
  return target.kind === 'http' ? `${options.server} ${target.url}` : `${options.server} ${[target.command, ...target.args].join(' ')}`;
}

/** The transport, with the guard on the size of every message it reads. */
async function createTransport(target: Target, guard: MessageGuard, contact: StdioContact, timeoutMs: number) {
  if (target.kind === 'stdio') return createStdioTransport(target, guard, contact, timeoutMs);
  const sdk = await import('@modelcontextprotocol/client');
  const url = new URL(target.url);
  const fetch = guard.fetch(target.fetch);
  const transport = target.transport === 'sse' ? new sdk.SSEClientTransport(url, { fetch }) : new sdk.StreamableHTTPClientTransport(url, { fetch: reportLostResponses(fetch) });
  guard.close = () => void transport.close().catch(() => undefined);
  return transport;
}

function negotiationMode(options: ConnectionOptions): 'legacy' | 'auto' | { pin: string } {
  // The HTTP+SSE transport predates 2026-07-28: there is nothing to negotiate.
  if (options.target.kind === 'http' && options.target.transport === 'sse') return 'legacy';
  if (options.protocol === MODERN_REVISION) return { pin: MODERN_REVISION };
  if (options.protocol === LEGACY_REVISION) return 'legacy';
  return 'auto';
}

async function connectOnce(options: ConnectionOptions, prior: PriorDiscovery | undefined, guard: MessageGuard, contact: StdioContact, screened: Map<string, string>, raw: RawCalls): Promise<Client> {
  const { Client } = await import('@modelcontextprotocol/client');
  const elicit = options.relayElicitation !== undefined || canElicit(options.elicitation);
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const client = new Client(
    { name: 'mcpkey', version: options.clientVersion },
    {
      capabilities: elicit ? { elicitation: { form: {} } } : {},
      versionNegotiation: {
        mode: negotiationMode(options),
        // A silent stdio server is a legacy one; there is no reason to wait the whole request timeout for it.
        probe: { timeoutMs: options.target.kind === 'stdio' ? Math.min(timeout, 5_000) : timeout },
      },
    },
  );
  if (options.relayElicitation) {
    const relay = options.relayElicitation;
    client.setRequestHandler('elicitation/create', async (request) => (await relay(request.params as Record<string, unknown>)) as never);
  } else if (elicit) {
    const policy = options.elicitation!;
    client.setRequestHandler('elicitation/create', async (request) => (await answerElicitation(request.params as Parameters<typeof answerElicitation>[0], policy)) as never);
  }
  const transport = watchInbound(await createTransport(options.target, guard, contact, timeout), () => client.getProtocolEra(), contact, screened, raw);
  try {
    // The first contact with a fresh stdio server includes its start (and download): the allowance.
    const handshake = options.target.kind === 'stdio' ? Math.max(timeout, STARTUP_ALLOWANCE_MS) : timeout;
    await client.connect(transport, { timeout: handshake, ...(prior ? { prior } : {}) });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return client;
}

function priorFrom(verdict: Verdict | undefined): PriorDiscovery | undefined {
  if (!verdict) return undefined;
  return verdict.kind === 'modern' ? { kind: 'modern', discover: verdict.discover as unknown as DiscoverResult } : { kind: 'legacy' };
}

/** Connects in the era the server speaks: the cached verdict first (no round trip), else a probe. */
export async function openConnection(options: ConnectionOptions): Promise<McpConnection> {
  const verdicts = options.protocol === 'auto' ? (options.verdicts ?? noVerdicts) : noVerdicts;
  const key = cacheKey(options);
  const local = options.target.kind === 'stdio';
  const cached = negotiationMode(options) === 'auto' ? await verdicts.get(key).catch(() => undefined) : undefined;
  const guard = new MessageGuard(options.server);
  const screened = new Map<string, string>();
  const newContact = (): StdioContact => stdioContact(options.target.kind === 'stdio' ? (options.target.redact ?? []) : []);
  let contact = newContact();
  let raw = new RawCalls();
  /** A message over the limit closed the connection: that, not "connection closed", is what went wrong. */
  const host = options.target.kind === 'http' ? new URL(options.target.url).host : undefined;
  const failure = async (error: unknown) => guard.exceeded ?? (local ? await localFailure(error, options.server, contact) : undefined) ?? connectionFailure(error, options.server, local, host);
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

  const establish = async (prior: PriorDiscovery | undefined): Promise<Client> => {
    let client: Client;
    contact = newContact();
    raw = new RawCalls();
    try {
      client = await connectOnce(options, prior, guard, contact, screened, raw);
    } catch (error) {
      // A stale cached verdict: forget it and probe as if for the first time.
      if (prior && isEraRejection(error) && !guard.exceeded) {
        await verdicts.set(key, undefined).catch(() => undefined);
        return establish(undefined);
      }
      throw await failure(error);
    }
    const era = client.getProtocolEra() ?? 'legacy';
    const discover = client.getDiscoverResult();
    const verdict: Verdict = era === 'modern' && discover ? { kind: 'modern', discover: discover as unknown as Record<string, unknown>, seenAt: new Date().toISOString() } : { kind: 'legacy', seenAt: new Date().toISOString() };
    // A legacy verdict adopted from the cache is not re-dated: it must expire and be re-probed.
    if (!(prior?.kind === 'legacy' && verdict.kind === 'legacy')) await verdicts.set(key, verdict).catch(() => undefined);
    return client;
  };

  let client = await establish(priorFrom(cached));
  let retried = false;
  const connection: McpConnection = {
    get client() {
      return client;
    },
    get era() {
      return client.getProtocolEra() ?? 'legacy';
    },
    http: options.target.kind === 'http',
    get timeoutMs() {
      return local && !contact.heard ? Math.max(timeout, STARTUP_ALLOWANCE_MS) : timeout;
    },
    screened,
    get protocolVersion() {
      return client.getNegotiatedProtocolVersion() ?? (connection.era === 'modern' ? MODERN_REVISION : LEGACY_REVISION);
    },
    async run(op) {
      try {
        return await op(client);
      } catch (error) {
        // With a modern verdict from the cache nothing was sent at connect; the first request is where a
        // downgraded server says so. Probe afresh once.
        if (!retried && cached?.kind === 'modern' && isEraRejection(error) && !guard.exceeded) {
          retried = true;
          await verdicts.set(key, undefined).catch(() => undefined);
          await client.close().catch(() => undefined);
          client = await establish(undefined);
          return op(client).catch(async (again: unknown) => {
            throw await failure(again);
          });
        }
        throw await failure(error);
      }
    },
    relay(current, method, params, options) {
      const transport = current.transport;
      if (connection.era === 'legacy' && transport) return raw.request(transport, method, params, options);
      return current.request({ method, params } as never, passthrough, options);
    },
    close: () => client.close().catch(() => undefined),
  };
  return connection;
}
