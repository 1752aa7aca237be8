import type { McpConnection } from './connection.js';
import { LEGACY_REVISION, MODERN_REVISION } from './revisions.js';

/** The revisions of the `initialize` era mcpkey answers a local client in. */
export const LEGACY_REVISIONS = [LEGACY_REVISION, '2025-06-18', '2025-03-26', '2024-11-05'];

/** The `_meta` keys the 2026-07-28 envelope reserves; mcpkey's own connection sets them for the remote side. */
export const RESERVED_META = ['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo'];

function capabilities(connection: McpConnection): Record<string, unknown> {
  // Logging is deprecated at 2026-07-28 and not relayed; everything else the server offers passes.
  const { logging: _logging, ...rest } = (connection.client.getServerCapabilities() ?? {}) as Record<string, unknown>;
  return rest;
}

function serverInfo(connection: McpConnection): Record<string, unknown> {
  return (connection.client.getServerVersion() as Record<string, unknown> | undefined) ?? { name: 'mcpkey-bridge', version: '0' };
}

/** Answers a 2025-era client's `initialize` from what the remote server told mcpkey, whatever its era. */
export function initializeResult(connection: McpConnection, requested: unknown): Record<string, unknown> {
  const instructions = connection.client.getInstructions();
  return {
    protocolVersion: typeof requested === 'string' && LEGACY_REVISIONS.includes(requested) ? requested : LEGACY_REVISION,
    capabilities: capabilities(connection),
    serverInfo: serverInfo(connection),
    ...(instructions ? { instructions } : {}),
  };
}

/** Answers a 2026-07-28 client's `server/discover`: the server's own answer, or one built from its `initialize`. */
export function discoverResult(connection: McpConnection): Record<string, unknown> {
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

/** The client's `_meta` without the keys mcpkey's own connection sets for the remote side. */
export function forwardedParams(params: Record<string, unknown> | undefined, keepEnvelope: boolean): Record<string, unknown> | undefined {
  if (!params || typeof params._meta !== 'object' || params._meta === null) return params;
  const meta = { ...(params._meta as Record<string, unknown>) };
  for (const key of RESERVED_META) if (!keepEnvelope || key === RESERVED_META[0]) delete meta[key];
  const { _meta: _dropped, ...rest } = params;
  return Object.keys(meta).length ? { ...rest, _meta: meta } : rest;
}
