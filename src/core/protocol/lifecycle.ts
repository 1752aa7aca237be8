import type { McpConnection } from './connection.js';
import { LEGACY_REVISION, MODERN_REVISION } from './revisions.js';

/** The revisions of the `initialize` era mcpkey answers a local client in. */
export const LEGACY_REVISIONS = [LEGACY_REVISION, '2025-06-18', '2025-03-26', '2024-11-05'];

/** What the lifecycle answers read of a server: a connection, or the gateway describing itself. */
export type ServerDescription = { client: Pick<McpConnection['client'], 'getServerCapabilities' | 'getServerVersion' | 'getInstructions'> };

/** The `_meta` keys the 2026-07-28 envelope reserves; mcpkey's own connection sets them for the remote side. */
export const RESERVED_META = ['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo'];

function capabilities(connection: ServerDescription): Record<string, unknown> {
  // Logging is deprecated at 2026-07-28 and not relayed; everything else the server offers passes.
  const { logging: _logging, ...rest } = (connection.client.getServerCapabilities() ?? {}) as Record<string, unknown>;
  return rest;
}

function serverInfo(connection: ServerDescription): Record<string, unknown> {
  return (connection.client.getServerVersion() as Record<string, unknown> | undefined) ?? { name: 'mcpkey-bridge', version: '0' };
}

/** Answers a 2025-era client's `initialize` from what the remote server told mcpkey, whatever its era. */
export function initializeResult(connection: ServerDescription, requested: unknown): Record<string, unknown> {
  const instructions = connection.client.getInstructions();
  return {
    protocolVersion: typeof requested === 'string' && LEGACY_REVISIONS.includes(requested) ? requested : LEGACY_REVISION,
    capabilities: capabilities(connection),
    serverInfo: serverInfo(connection),
    ...(instructions ? { instructions } : {}),
  };
}

/** Answers a 2026-07-28 client's `server/discover`: the server's own answer, or one built from its `initialize`. */
export function discoverResult(connection: ServerDescription): Record<string, unknown> {
  const instructions = connection.client.getInstructions();
  return {
    resultType: 'complete',
    supportedVersions: [MODERN_REVISION],
    capabilities: capabilities(connection),
    _meta: { 'io.modelcontextprotocol/serverInfo': serverInfo(connection) },
    ...(instructions ? { instructions } : {}),
    // Never cached by the client: what mcpkey relays depends on the credentials of the moment.
    ttlMs: 0,
    cacheScope: 'private',
  };
}

/** A listen stream's key: meaningless to a 2025-era peer, which never subscribed. */
const SUBSCRIPTION_META = 'io.modelcontextprotocol/subscriptionId';

/**
 * The client's `_meta` without the keys mcpkey's own connection sets for the remote side. Between two
 * 2026-07-28 peers the client's capabilities stay: the server asks (input_required) only for what the
 * client that will answer can do. The identity on the wire is mcpkey's, as on its own requests.
 */
export function forwardedParams(params: Record<string, unknown> | undefined, keepCapabilities: boolean): Record<string, unknown> | undefined {
  if (!params || typeof params._meta !== 'object' || params._meta === null) return params;
  const meta = { ...(params._meta as Record<string, unknown>) };
  for (const key of RESERVED_META) if (!keepCapabilities || key !== 'io.modelcontextprotocol/clientCapabilities') delete meta[key];
  if (!keepCapabilities) delete meta[SUBSCRIPTION_META];
  const { _meta: _dropped, ...rest } = params;
  return Object.keys(meta).length ? { ...rest, _meta: meta } : rest;
}

/** Results a 2026-07-28 client may cache (SEP-2549): `ttlMs` and `cacheScope` are required on them. */
const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);

/**
 * A result in the local client's era. 2026-07-28 requires `resultType`, and the cache fields on the
 * cacheable methods; neither comes from a 2025-era server or with mcpkey's own tool listing.
 */
export function localResult(method: string, result: unknown, modern: boolean): unknown {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return result;
  const { resultType, ...rest } = result as Record<string, unknown>;
  // 2025-era clients have no result types; only `complete` ever reaches them (input_required is fulfilled by mcpkey).
  if (!modern) return resultType === 'complete' ? rest : result;
  const stamped: Record<string, unknown> = { ...rest, resultType: resultType ?? 'complete' };
  if (stamped.resultType === 'complete' && CACHEABLE.has(method)) {
    // Not cached by the client unless the server said so: mcpkey's listing depends on the credentials of the moment.
    if (!Number.isSafeInteger(stamped.ttlMs) || (stamped.ttlMs as number) < 0) stamped.ttlMs = 0;
    if (stamped.cacheScope !== 'public' && stamped.cacheScope !== 'private') stamped.cacheScope = 'private';
  }
  return stamped;
}
