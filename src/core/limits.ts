/**
 * How much mcpkey reads from anyone. A peer or a file that sends more is refused with a clear error
 * instead of growing memory without bound. The figures are documented in the README (Limits).
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;

/** Protected resource and authorization server metadata, dynamic client registration answers. */
export const METADATA_BODY_LIMIT = 1 * MiB;
/** Token endpoint answers (authorization code, refresh, device flow, revocation). */
export const TOKEN_BODY_LIMIT = 1 * MiB;
/** One MCP message: a JSON response, one server-sent event, or one stdio line. */
export const MCP_MESSAGE_LIMIT = 64 * MiB;
/** `.env.mcp`, `config.json`, `protocol-cache.json` and MCP clients' files. */
export const FILE_LIMIT = 10 * MiB;
/**
 * One secret value, in UTF-8 bytes. Linux refuses to start a program with any single environment
 * string over 128 KiB (E2BIG); half that leaves room for the variable's name and for other secrets.
 */
export const SECRET_VALUE_LIMIT = 64 * KiB;

/** "1 MiB", "64 KiB": how limits are named in messages. */
export function formatSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
