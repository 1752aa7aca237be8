/**
 * Tools of the servers behind the gateway are named `<server>__<tool>`: the server name comes first so
 * a client's list groups them, and `__` never starts a catalog name. Server names may contain `_`,
 * so a name is routed to the longest server name it starts with.
 */
export const SEPARATOR = '__';

export function qualifiedName(server: string, tool: string): string {
  return `${server}${SEPARATOR}${tool}`;
}

export function routeName(name: string, servers: Iterable<string>): { server: string; tool: string } | undefined {
  let best: string | undefined;
  for (const server of servers) {
    if (name.startsWith(`${server}${SEPARATOR}`) && name.length > server.length + SEPARATOR.length && (!best || server.length > best.length)) best = server;
  }
  return best === undefined ? undefined : { server: best, tool: name.slice(best.length + SEPARATOR.length) };
}

/** `30s`, `10m`, `1h`, `500ms`, or plain seconds: the forms `--idle` and `--timeout` take. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const value = Math.round(Number(match[1]) * unit);
  return value > 0 ? value : undefined;
}
