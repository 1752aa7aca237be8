// CommonJS, so that tab completion's fast path reads files within these limits without the ES module loader (limits.ts re-exports it).
/**
 * How much mcpkey reads from anyone. A peer or a file that sends more is refused with a clear error
 * instead of growing memory without bound. The figures are documented in the README (Limits).
 */
const KiB = 1024;
const MiB = 1024 * KiB;

/** Protected resource and authorization server metadata, dynamic client registration answers. */
const METADATA_BODY_LIMIT = 1 * MiB;
/** Token endpoint answers (authorization code, refresh, device flow, revocation). */
const TOKEN_BODY_LIMIT = 1 * MiB;
/** One MCP message: a JSON response, one server-sent event, or one stdio line. */
const MCP_MESSAGE_LIMIT = 64 * MiB;
/** `.env.mcp`, `config.json`, `protocol-cache.json` and MCP clients' files. */
const FILE_LIMIT = 10 * MiB;
/**
 * One secret value, in UTF-8 bytes. Linux refuses to start a program with any single environment
 * string over 128 KiB (E2BIG); half that leaves room for the variable's name and for other secrets.
 */
const SECRET_VALUE_LIMIT = 64 * KiB;

/** "1 MiB", "64 KiB": how limits are named in messages. */
function formatSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

export = { KiB, MiB, METADATA_BODY_LIMIT, TOKEN_BODY_LIMIT, MCP_MESSAGE_LIMIT, FILE_LIMIT, SECRET_VALUE_LIMIT, formatSize };
