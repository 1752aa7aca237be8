import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT, type Sandbox } from './helpers.js';
import { withLocalSession, type LocalEra, type LocalSession } from './local-clients.js';

/** The stdio MCP server the gateway tests add (env, pid, sleep, hang). */
export const GATEWAY_FIXTURE = join(ROOT, 'test/fixtures/gateway/stdio-server.mjs');

/** Adds a local server running the fixture; its argv carries a marker unique to the test, for the process list. */
export async function addFixtureServer(sandbox: Sandbox, name: string, extra: string[] = []): Promise<string> {
  const marker = `gw-marker-${name}-${randomBytes(4).toString('hex')}`;
  const added = await sandbox.run(['server', 'add', name, '--description', `gateway fixture ${name}`, ...extra, '--', process.execPath, GATEWAY_FIXTURE, marker]);
  expect(added.code, added.stderr).toBe(0);
  return marker;
}

/** The processes whose command line carries the marker (ps, as a person would look). */
export function processesWith(marker: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ps = spawn('ps', ['-eo', 'args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    ps.on('error', reject);
    ps.on('close', () => resolve(out.split('\n').filter((line) => line.includes(marker) && !line.startsWith('ps ')).length));
  });
}

/** Runs `body` against `mcpkey gateway ARGS` under a client of the era; a 2026-07-28 client first subscribes to tool-list changes. */
export function withGateway<T>(sandbox: Sandbox, era: LocalEra, args: string[], body: (session: LocalSession) => Promise<T>): Promise<T> {
  return withLocalSession(sandbox, era, 'gateway', { command: ['gateway', ...args] }, async (session) => {
    if (era === '2026-07-28') await (session.client as import('@modelcontextprotocol/client').Client).listen({ toolsListChanged: true }, { timeout: 60_000 });
    return body(session);
  });
}
