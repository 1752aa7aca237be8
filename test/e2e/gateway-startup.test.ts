import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { addFixtureServer, processesWith, withGateway } from './gateway-peers.js';

requireSecretService();

/** The tool names of a fresh `mcpkey gateway` (as clients start it: no options). */
async function firstListing(sandbox: ReturnType<typeof useSandbox>): Promise<string[]> {
  return withGateway(sandbox, '2025-11-25', [], async (session) => (await session.toolNames()).filter((name) => name.includes('__')).sort());
}

describe('mcpkey gateway: the first tools/list from the saved view', () => {
  const sandbox = useSandbox();

  it('answers a restart from the cache, and never with a set another mcpkey process has changed since', async () => {
    const markers = [await addFixtureServer(sandbox, 'alpha'), await addFixtureServer(sandbox, 'beta')];
    for (const name of ['alpha', 'beta']) expect((await sandbox.run(['server', 'enable', name])).code).toBe(0);
    const both = await firstListing(sandbox);
    expect(both).toEqual(expect.arrayContaining(['alpha__pid', 'beta__pid']));
    const cache = JSON.parse(await readFile(join(sandbox.mcpkeyHome, 'gateway-tools.json'), 'utf8'));
    expect(cache.exposed[0].servers).toEqual(['alpha', 'beta']);

    // A restart with nothing changed: the same tools, and no server started to list them.
    expect(await firstListing(sandbox)).toEqual(both);
    for (const marker of markers) expect(await processesWith(marker)).toBe(0);

    // Changed by another process: the config's state decides, not the saved view.
    expect((await sandbox.run(['server', 'disable', 'beta'])).code).toBe(0);
    const alphaOnly = await firstListing(sandbox);
    expect(alphaOnly.some((name) => name.startsWith('beta__'))).toBe(false);
    expect(alphaOnly).toContain('alpha__pid');
    expect((await sandbox.run(['server', 'enable', 'beta'])).code).toBe(0);
    expect(await firstListing(sandbox)).toEqual(both);
  });
});
