/**
 * The project file end to end with a real store: a repository holding mcpkey.json and a .env.mcp of
 * references (pass, with a GPG key generated here), a "new machine" (empty keychain, no key yet), then
 * the same machine once it can decrypt the store. No value is ever stored by mcpkey.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPassStore, type PassStore } from '../fixtures/stores/gpg-store.js';
import { filesUnder, requireSecretService, ROOT, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');
const TOKEN = 'acme-token-from-pass-7f3a';
const REGION = 'acme-region-from-pass-91c2';
const sandbox = useSandbox();
let store: PassStore;
let dir: string;

beforeAll(async () => {
  // Short: gpg-agent's socket lives under it.
  dir = await mkdtemp(join(tmpdir(), 'mk-pj-'));
  store = await createPassStore(dir);
  await store.insert('team/acme-token', `${TOKEN}\n`);
  await store.insert('team/acme-region', `${REGION}\n`);
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function teamRepo(): Promise<string> {
  const root = join(sandbox.cwd, 'repo');
  await mkdir(join(root, 'src'), { recursive: true });
  const acme = {
    name: 'acme',
    title: 'Acme',
    description: 'the team server (a local stand-in that reports its environment)',
    transport: { type: 'stdio', command: process.execPath, args: [ENV_SERVER] },
    secrets: [
      { name: 'acme.token', env: 'ACME_TOKEN', description: 'API token' },
      { name: 'acme.region', env: 'ACME_REGION', description: 'region key' },
    ],
  };
  await writeFile(join(root, 'mcpkey.json'), JSON.stringify({ version: 1, enabled: ['acme'], servers: { acme }, secrets: { 'acme.token': 'pass://team/acme-token' } }, null, 2));
  await writeFile(join(root, '.env.mcp'), 'ACME_REGION=pass://team/acme-region\n');
  return root;
}

describe('a team repository with mcpkey.json and .env.mcp of pass:// references', () => {
  it('new machine: project check names both references and the fix; once the key is there, tools call works and nothing is stored', async () => {
    const root = await teamRepo();
    const noKey = join(dir, 'nokey');
    await mkdir(noKey, { recursive: true, mode: 0o700 });

    const before = await sandbox.run(['project', 'check', '--json'], { cwd: join(root, 'src'), env: { ...store.env, GNUPGHOME: noKey } });
    expect(before.code, before.stderr).toBe(4);
    const [server] = JSON.parse(before.stdout).servers;
    expect(server).toMatchObject({ name: 'acme', source: 'project', ready: false });
    expect(server.missing).toEqual([
      expect.objectContaining({ type: 'reference', name: 'acme.token', env: 'ACME_TOKEN', reference: 'pass://team/acme-token', code: 'store_not_signed_in' }),
      expect.objectContaining({ type: 'reference', name: 'acme.region', env: 'ACME_REGION', reference: 'pass://team/acme-region', code: 'store_not_signed_in' }),
    ]);
    expect(server.nextSteps).toHaveLength(2);
    // server list counts a reference as set: it asks no store.
    const list = JSON.parse((await sandbox.run(['server', 'list', '--json', '--enabled'], { cwd: root, env: { ...store.env, GNUPGHOME: noKey } })).stdout);
    expect(list.servers).toEqual([expect.objectContaining({ name: 'acme', source: 'project', ready: true })]);

    const after = await sandbox.run(['project', 'check'], { cwd: join(root, 'src'), env: store.env });
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toMatch(/^ok {3}acme$/m);

    for (const [variable, value] of [['ACME_TOKEN', TOKEN], ['ACME_REGION', REGION]] as const) {
      const call = await sandbox.run(['tools', 'call', 'acme', 'env', '--arg', `name=${variable}`], { cwd: join(root, 'src'), env: store.env });
      expect(call.code, call.stderr).toBe(0);
      expect(call.stdout).toContain(value);
    }
    const inspect = JSON.parse((await sandbox.run(['server', 'inspect', 'acme', '--json'], { cwd: root, env: store.env })).stdout);
    expect(inspect.secrets.map((secret: { name: string; source: string }) => [secret.name, secret.source])).toEqual([
      ['acme.token', 'project'],
      ['acme.region', '.env.mcp'],
    ]);

    // Nothing stored by mcpkey: no keychain entry, no file under its home, no value outside `tools call`.
    expect(await sandbox.keychainValue('acme.token')).toBeUndefined();
    expect(await sandbox.keychainValue('acme.region')).toBeUndefined();
    for (const file of await filesUnder(sandbox.home)) {
      expect(file.content, file.path).not.toContain(TOKEN);
      expect(file.content, file.path).not.toContain(REGION);
    }
    const elsewhere = sandbox.transcript.filter((item) => item.args[0] !== 'tools');
    expect(JSON.stringify(elsewhere)).not.toContain(TOKEN);
    expect(JSON.stringify(elsewhere)).not.toContain(REGION);
  }, 180_000);
});
