import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { textOf } from './local-clients.js';
import { GATEWAY_FIXTURE, withGateway } from './gateway-peers.js';

requireSecretService();

describe('mcpkey gateway inside a project', () => {
  const sandbox = useSandbox();

  it("serves the project's servers: entries and enabled set from mcpkey.json", async () => {
    const project = {
      version: 1,
      enabled: ['teamtool'],
      servers: {
        teamtool: {
          name: 'teamtool',
          title: 'Team tool',
          description: 'a server only the project defines',
          transport: { type: 'stdio', command: process.execPath, args: [GATEWAY_FIXTURE, 'gw-project-marker'] },
          secrets: [],
        },
      },
    };
    await writeFile(join(sandbox.cwd, 'mcpkey.json'), `${JSON.stringify(project, null, 2)}\n`);
    const listed = await sandbox.run(['server', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/"name":\s*"teamtool"/);

    await withGateway(sandbox, '2025-11-25', [], async (session) => {
      const names = await session.toolNames();
      expect(names).toEqual(expect.arrayContaining(['teamtool__env', 'teamtool__pid']));
      const pid = await session.call('teamtool__pid', {});
      expect(pid.isError, textOf(pid)).not.toBe(true);
      expect(textOf(await session.call('mcp-status'))).toMatch(/teamtool: running, ready/);
    });
  });
});
