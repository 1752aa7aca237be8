/**
 * What a POST must say before its message reaches a gateway instance: a body that is one JSON-RPC
 * message within the message limit, and, on 2026-07-28, headers that agree with that body
 * (MCP-Protocol-Version, Mcp-Method, Mcp-Name), so that nothing routing on headers is misled.
 */
import type { IncomingMessage } from 'node:http';
import { readPiped } from '../cli/io.js';
import { formatSize, MCP_MESSAGE_LIMIT } from '../core/limits.js';
import { LEGACY_REVISIONS } from '../core/protocol/lifecycle.js';
import { LEGACY_REVISION, MODERN_REVISION } from '../core/protocol/revisions.js';
import type { Message } from './http-streams.js';

/** A request that cannot be served: the HTTP status and the JSON-RPC error to say why. */
export class Rejection {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
    readonly data?: unknown,
  ) {}
}

/** The body, whole, or a rejection once it passes the message limit (reading stops there). */
export async function readBody(request: IncomingMessage, limit = MCP_MESSAGE_LIMIT): Promise<Buffer | Rejection> {
  const tooLarge = new Rejection(413, -32600, `Payload Too Large: one message may be at most ${formatSize(limit)}`);
  if (Number(request.headers['content-length'] ?? 0) > limit) return tooLarge;
  return (await readPiped(request, limit)) ?? tooLarge;
}

/** One JSON-RPC message object: batches were removed in 2025-06-18, and nothing here takes them. */
export function parseMessage(body: Buffer): Message | Rejection {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return new Rejection(400, -32700, 'Parse error: the body is not JSON');
  }
  if (Array.isArray(value)) return new Rejection(400, -32600, 'Invalid Request: send one JSON-RPC message per POST (no batches)');
  if (value === null || typeof value !== 'object' || (value as Message).jsonrpc !== '2.0') return new Rejection(400, -32600, 'Invalid Request: the body is not a JSON-RPC 2.0 message');
  return value as Message;
}

/** The 2026-07-28 protocol version a message's `_meta` declares, if any. */
export function declaredVersion(message: Message): unknown {
  return (message.params?._meta as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/protocolVersion'];
}

const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** `=?base64?…?=` values decoded; plain ones as they are. */
export function decodeHeaderValue(value: string): string {
  const match = /^=\?base64\?([A-Za-z0-9+/=]*)\?=$/.exec(value);
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8') : value;
}

/** The methods whose target goes in Mcp-Name, and where the body says it. */
const NAMED: Record<string, 'name' | 'uri'> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** The 2026-07-28 header rules for one request, or why it breaks them. */
export function modernProblem(request: IncomingMessage, message: Message): Rejection | undefined {
  const version = declaredVersion(message);
  const mismatch = (what: string) => new Rejection(400, -32020, `Header mismatch: ${what}`);
  if (typeof version === 'string' && version !== MODERN_REVISION) {
    return new Rejection(400, -32022, 'Unsupported protocol version', { supported: [MODERN_REVISION, LEGACY_REVISION], requested: version });
  }
  const sent = header(request, 'mcp-protocol-version');
  if (sent === undefined) return mismatch('the MCP-Protocol-Version header is missing');
  if (sent !== version) return mismatch(`MCP-Protocol-Version ${sent} does not match the body's protocol version`);
  const method = header(request, 'mcp-method');
  if (method === undefined) return mismatch('the Mcp-Method header is missing');
  if (method !== message.method) return mismatch(`Mcp-Method ${method} does not match the body's method`);
  const field = message.method ? NAMED[message.method] : undefined;
  if (field) {
    const name = header(request, 'mcp-name');
    if (name === undefined) return mismatch('the Mcp-Name header is missing');
    if (decodeHeaderValue(name) !== message.params?.[field]) return mismatch(`Mcp-Name does not match the body's params.${field}`);
  }
  return undefined;
}

/** A 2025-era request's MCP-Protocol-Version, when it names a revision that era does not know. */
export function legacyProblem(request: IncomingMessage): Rejection | undefined {
  const sent = header(request, 'mcp-protocol-version');
  if (sent === undefined || LEGACY_REVISIONS.includes(sent)) return undefined;
  return new Rejection(400, -32600, `Bad Request: unsupported MCP-Protocol-Version ${sent} in a session (supported: ${LEGACY_REVISIONS.join(', ')})`);
}

/** The Accept header lists event streams (or anything). */
export function acceptsEvents(request: IncomingMessage): boolean {
  const accept = header(request, 'accept') ?? '';
  return accept.includes('text/event-stream') || accept.includes('*/*');
}

/** A tool's `x-mcp-header` annotations: header name → the chain of `properties` keys to the argument. */
export type ParamHeaders = Map<string, string[]>;

/** The annotations of one tool definition (statically reachable ones; the rest make a client drop the tool). */
export function paramHeadersOf(inputSchema: unknown, path: string[] = [], found: ParamHeaders = new Map()): ParamHeaders {
  const properties = (inputSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!properties || typeof properties !== 'object') return found;
  for (const [key, schema] of Object.entries(properties)) {
    const name = (schema as Record<string, unknown> | null)?.['x-mcp-header'];
    if (typeof name === 'string' && name !== '') found.set(name.toLowerCase(), [...path, key]);
    paramHeadersOf(schema, [...path, key], found);
  }
  return found;
}

/** SEP-2243: every annotated argument present in the call is mirrored, equal, in its Mcp-Param-<Name> header. */
export function paramHeaderProblem(request: IncomingMessage, annotations: ParamHeaders | undefined, args: unknown): Rejection | undefined {
  for (const [name, path] of annotations ?? []) {
    let value: unknown = args;
    for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined || value === null) continue;
    const sent = header(request, `mcp-param-${name}`);
    const mismatch = (what: string) => new Rejection(400, -32020, `Header mismatch: Mcp-Param-${name} ${what}`);
    if (sent === undefined) return mismatch(`is missing for argument ${path.join('.')}`);
    const decoded = decodeHeaderValue(sent);
    const equal = typeof value === 'number' ? Number(decoded) === value : decoded === String(value);
    if (!equal) return mismatch(`does not match argument ${path.join('.')}`);
  }
  return undefined;
}
