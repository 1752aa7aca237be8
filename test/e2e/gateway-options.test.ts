import { describe, expect, it } from 'vitest';
import { expectOneLine, requireSecretService, useSandbox } from './helpers.js';
import { textOf } from './local-clients.js';
import { addFixtureServer, withGateway } from './gateway-peers.js';

requireSecretService();

describe('mcpkey gateway options', () => {
  const sandbox = useSandbox();

  it('--servers limits the tools to those servers; --no-dynamic hides find, add and remove', async () => {
    await addFixtureServer(sandbox, 'one');
    await addFixtureServer(sandbox, 'two');
    for (const name of ['one', 'two']) expect((await sandbox.run(['server', 'enable', name])).code).toBe(0);
    await withGateway(sandbox, '2026-07-28', ['--servers', 'two', '--no-dynamic'], async (session) => {
      const names = await session.toolNames();
      expect(names).toEqual(['mcp-status', 'two__env', 'two__pid', 'two__sleep', 'two__hang']);
      const hidden = await session.call('mcp-add', { name: 'one' }).then(
        (result) => textOf(result),
        (error: Error) => error.message,
      );
      expect(hidden).toMatch(/Unknown tool: mcp-add/);
      expect(textOf(await session.call('mcp-status'))).toMatch(/^two: stopped, ready, 4 tools$/);
    });
  });

  it('refuses a bad duration or an unknown server before serving', async () => {
    expectOneLine(await sandbox.run(['gateway', '--idle', 'soon']), 2, /--idle must be a duration/);
    expectOneLine(await sandbox.run(['gateway', '--servers', 'nosuch']), 3, /nosuch/);
  });
});
