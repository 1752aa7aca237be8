import type { ClientFileStatus } from '../clients/status.js';
import { fail, listed, ok, warn, type Check } from './types.js';

export interface ServerNames {
  /** Every catalog entry's name. */
  known: ReadonlySet<string>;
  enabled: ReadonlySet<string>;
}

/**
 * An MCP client's file: the mcpkey servers it runs must exist (else `mcpkey run` fails in the client),
 * and should be enabled (else doctor and `server list --enabled` do not look after them). Undefined
 * for a client whose file does not exist.
 */
export function checkClientFile(file: ClientFileStatus, names: ServerNames): Check | undefined {
  if (!file.exists) return undefined;
  const id = `client:${file.client}`;
  if (file.error) return warn(id, `${file.client} (${file.file}): ${file.error}`, 'fix the file by hand; mcpkey writes only into files it can read');
  const wired = file.servers.filter((server) => server.viaMcpkey && server.server);
  const unknown = wired.filter((server) => !names.known.has(server.server!));
  const disabled = wired.filter((server) => names.known.has(server.server!) && !names.enabled.has(server.server!));
  const entries = (refs: typeof wired) => listed(refs.map((ref) => (ref.name === ref.server ? `"${ref.name}"` : `"${ref.name}" (${ref.server})`)));
  if (unknown.length > 0) {
    return fail(
      id,
      `${file.client} (${file.file}) runs ${entries(unknown)} through mcpkey, which no catalog entry has: the client cannot start ${unknown.length === 1 ? 'it' : 'them'}`,
      `remove ${unknown.length === 1 ? 'that entry' : 'those entries'} from ${file.file}, or add the server: mcpkey server add NAME …`,
    );
  }
  if (disabled.length > 0) {
    return warn(
      id,
      `${file.client} (${file.file}) runs ${entries(disabled)} through mcpkey, but ${disabled.length === 1 ? 'it is' : 'they are'} disabled, so doctor does not check ${disabled.length === 1 ? 'it' : 'them'}`,
      `${disabled.map((ref) => `mcpkey server enable ${ref.server}`).join('; ')} (or remove the ${disabled.length === 1 ? 'entry' : 'entries'} from the file)`,
    );
  }
  return ok(id, `${file.client} (${file.file}): ${wired.length === 0 ? 'no server through mcpkey' : `${entries(wired)} through mcpkey, known and enabled`}`);
}
