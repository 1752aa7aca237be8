import { launcherHint } from '../run/launchers.js';
import { fail, listed, ok, warn, type Check } from './types.js';

/** A program the enabled servers are started with, and whether PATH has it. */
export function checkLauncher(command: string, servers: readonly string[], found: string | undefined): Check {
  const id = `launcher:${command}`;
  if (found) return ok(id, `${command} found at ${found} (for ${listed(servers)})`);
  return fail(
    id,
    `${command} is not on PATH: ${listed(servers)} cannot start`,
    `${launcherHint(command)}; then restart your MCP client so that it sees the new PATH`,
  );
}

export interface McpkeyPathFact {
  /** The `mcpkey` PATH finds, if any. */
  found?: string;
  /** Both with links resolved, to tell whether PATH's mcpkey is this one. */
  foundReal?: string;
  selfReal?: string;
  /** This mcpkey's own executable, for `--command`. */
  self?: string;
}

/** MCP clients start `mcpkey run NAME` by name, so PATH must have it. */
export function checkMcpkeyOnPath(fact: McpkeyPathFact): Check {
  const byPath = fact.self ? `, or write client entries with this one's path: mcpkey client config CLIENT --command ${fact.self}` : ', or write client entries with an absolute path: mcpkey client config CLIENT --command /path/to/mcpkey';
  if (!fact.found) {
    return warn('mcpkey-on-path', 'mcpkey is not on PATH: MCP clients start it by name and will not find it', `install it: npm install -g mcpkey (from a clone: npm link)${byPath}`);
  }
  if (fact.foundReal && fact.selfReal && fact.foundReal !== fact.selfReal) {
    return warn('mcpkey-on-path', `the mcpkey on PATH (${fact.found}) is not this one (${fact.selfReal}): MCP clients run that one`, `update or remove it${byPath}`);
  }
  return ok('mcpkey-on-path', `mcpkey is on PATH (${fact.found})`);
}
