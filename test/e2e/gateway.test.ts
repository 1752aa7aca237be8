import { describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { eventually, LOCAL_ERAS, textOf } from './local-clients.js';
import { addFixtureServer, withGateway } from './gateway-peers.js';

requireSecretService();

describe.each(LOCAL_ERAS)('mcpkey gateway under a %s client', (era) => {
  const sandbox = useSandbox();

  it('adds a server without credentials, then an API-key server once its secret is set in the terminal', async () => {
    await addFixtureServer(sandbox, 'plain');
    await addFixtureServer(sandbox, 'keyed', ['--secret', 'api_key:KEYED_API_KEY']);
    const secret = `sk-gateway-${era}-0123456789`;
    await withGateway(sandbox, era, [], async (session) => {
      const before = await session.toolNames();
      expect(before).toEqual(expect.arrayContaining(['mcp-find', 'mcp-add', 'mcp-remove', 'mcp-status']));
      expect(before.some((name) => name.startsWith('plain__'))).toBe(false);

      const found = await session.call('mcp-find', { query: 'gateway fixture' });
      expect(textOf(found)).toMatch(/keyed — .*\(api-key\): not enabled, missing keyed\.api_key/);
      expect(textOf(found)).toMatch(/plain — .*\(none\): not enabled, ready/);

      const added = await session.call('mcp-add', { name: 'plain' });
      expect(added.isError, textOf(added)).not.toBe(true);
      expect(textOf(added)).toMatch(/^Enabled plain, 4 tools available/);
      await eventually(() => session.listChanged() > 0, 'tools/list_changed after mcp-add');
      expect(await session.toolNames()).toEqual(expect.arrayContaining(['plain__env', 'plain__pid', 'plain__sleep', 'plain__hang']));
      expect(textOf(await session.call('plain__env', { name: 'KEYED_API_KEY' }))).toBe('<unset>');

      const refused = await session.call('mcp-add', { name: 'keyed' });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/keyed is not enabled/);
      expect(textOf(refused)).toContain('mcpkey secret set keyed.api_key');
      expect((await session.toolNames()).some((name) => name.startsWith('keyed__'))).toBe(false);
      expect((await sandbox.run(['server', 'list', '--json'])).stdout).not.toMatch(/"name":\s*"keyed"[^}]*"enabled":\s*true/);

      const set = await sandbox.run(['secret', 'set', 'keyed.api_key'], { input: `${secret}\n` });
      expect(set.code, set.stderr).toBe(0);
      const changes = session.listChanged();
      const again = await session.call('mcp-add', { name: 'keyed' });
      expect(textOf(again)).toMatch(/^Enabled keyed, 4 tools available/);
      await eventually(() => session.listChanged() > changes, 'tools/list_changed after the second mcp-add');
      expect(textOf(await session.call('keyed__env', { name: 'KEYED_API_KEY' }))).toBe(secret);

      const status = await session.call('mcp-status');
      expect(textOf(status)).toMatch(/plain: running, ready, 4 tools/);
      expect(textOf(status)).toMatch(/keyed: running, ready, 4 tools/);

      const removed = await session.call('mcp-remove', { name: 'plain' });
      expect(textOf(removed)).toMatch(/Removed plain/);
      expect((await session.toolNames()).some((name) => name.startsWith('plain__'))).toBe(false);
      const unknown = await session.call('mcp-add', { name: 'no-such-server' });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/no-such-server/);
      // The gateway's log names servers, never the secret it gave one.
      expect(session.stderr()).toMatch(/starting keyed/);
      expect(session.stderr()).not.toContain(secret);
    });
    // The secret went to the server's environment only: never into the client's stream, logs or the cache.
    const { filesUnder } = await import('./helpers.js');
    for (const file of await filesUnder(sandbox.mcpkeyHome)) expect(file.content).not.toContain(secret);
  });
});
