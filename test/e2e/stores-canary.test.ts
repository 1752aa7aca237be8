/**
 * A value resolved from a secret store reaches the server and nothing else: not mcpkey's output or
 * errors (success and every failure path), not a file under MCPKEY_HOME or the sandbox, not the
 * keychain (which keeps the reference), not the argv of any child (store CLIs, the server).
 * Stores: real pass and gopass, stand-ins for op, aws, gcloud and Vault's HTTP API (named as such).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPassStore, type PassStore } from '../fixtures/stores/gpg-store.js';
import { installStandIns, recordRealProgram, type StandIns } from '../fixtures/stores/standins.js';
import { startVaultStandIn, type VaultStandIn } from '../fixtures/stores/vault-standin.js';
import { filesUnder, requireSecretService, ROOT, useSandbox } from './helpers.js';
import { textOf, withLocalSession } from './local-clients.js';

beforeAll(requireSecretService);

const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');
const CANARY = `cnry${randomBytes(12).toString('hex')}`;
/** Any 8 characters of it in a row count as a leak. */
const WINDOWS = Array.from({ length: CANARY.length - 7 }, (_, i) => CANARY.slice(i, i + 8));
const leaks = (text: string) => WINDOWS.some((window) => text.includes(window));

const sandbox = useSandbox();
let dir: string;
let store: PassStore;
let standIns: StandIns;
let vault: VaultStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mk-canary-'));
  store = await createPassStore(join(dir, 'p'));
  await store.insert('team/token', `${CANARY}p\nnote: ${CANARY}body\n`);
  standIns = await installStandIns(join(dir, 's'));
  await recordRealProgram(standIns, 'pass', '/usr/bin/pass');
  await recordRealProgram(standIns, 'gopass', '/usr/bin/gopass');
  await standIns.setState({
    op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/Acme/token': `${CANARY}o`, 'op://Dev/Acme/nul': `${CANARY}\u0000tail`, 'op://Dev/Acme/huge': CANARY.repeat(3000) } },
    aws: { credentials: true, secrets: { 'prod/acme': JSON.stringify({ token: `${CANARY}a`, other: `${CANARY}x` }) } },
    gcloud: { account: true, secrets: { 'projects/p/secrets/acme/versions/latest': `${CANARY}g` } },
  });
  vault = await startVaultStandIn({ mounts: { 'secret/': 2 }, secrets: { 'secret/acme': { token: `${CANARY}v`, other: `${CANARY}w` } }, tokens: ['t0ken'] });
}, 120_000);

afterAll(async () => {
  await vault?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('no resolved value outside the server', () => {
  it('every output, file, keychain entry and child argv is scanned for the canary', async () => {
    const env = { ...store.env, ...standIns.env, VAULT_ADDR: vault.url, VAULT_TOKEN: 't0ken' };
    const run = (args: string[]) => sandbox.run(args, { env });
    const secrets = ['pass', 'gopass', 'op', 'aws', 'gcp', 'vault'];
    const add = await run(['server', 'add', 'acme', ...secrets.flatMap((key) => ['--secret', key]), '--', process.execPath, ENV_SERVER]);
    expect(add.code, add.stderr).toBe(0);
    // Three kept in the keychain with --ref, three in .env.mcp.
    for (const [key, ref] of [['pass', 'pass://team/token'], ['op', 'op://Dev/Acme/token'], ['vault', 'vault://secret/acme#token']] as const) {
      expect((await run(['secret', 'set', `acme.${key}`, '--ref', ref])).code).toBe(0);
    }
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'ACME_GOPASS=gopass://team/token\nACME_AWS=aws-sm://prod/acme#token\nACME_GCP=gcp-sm://projects/p/secrets/acme\n');

    // Resolved and used: the server has every value.
    await withLocalSession(sandbox, '2025-11-25', 'acme', { env }, async (session) => {
      const suffix: Record<string, string> = { pass: 'p', gopass: 'p', op: 'o', aws: 'a', gcp: 'g', vault: 'v' };
      for (const key of secrets) expect(textOf(await session.call('env', { name: `ACME_${key.toUpperCase()}` }))).toBe(`${CANARY}${suffix[key]}`);
      expect(leaks(textOf(await session.call('argv')))).toBe(false);
      sandbox.transcript.push({ args: ['run', 'acme'], stdout: '', stderr: session.stderr() });
    });
    for (const args of [['secret', 'list'], ['secret', 'list', '--json'], ['secret', 'check'], ['secret', 'check', '--json'], ['server', 'list', '--json'], ['server', 'inspect', 'acme'], ['run', 'acme', '--dry-run', '--json'], ['tools', 'list', 'acme', '--json'], ['doctor', '--json']]) {
      await run(args);
    }

    // Failure paths that have the value (or values next to it) in hand.
    const failing: Array<[string, string]> = [
      ['ACME_OP', 'op://Dev/Acme/nul'], // a NUL byte: refused, never quoted
      ['ACME_OP', 'op://Dev/Acme/huge'], // over 64 KiB
      ['ACME_AWS', 'aws-sm://prod/acme#nope'], // no such key: field names only
      ['ACME_VAULT', 'vault://secret/acme'], // several fields and no #key
      ['ACME_VAULT', 'vault://secret/acme#nope'],
    ];
    for (const [variable, ref] of failing) {
      const failed = await sandbox.run(['tools', 'list', 'acme', '--json'], { env: { ...env, [variable]: ref } });
      expect(failed.code, `${ref}: ${failed.stderr}`).not.toBe(0);
      expect(failed.stderr).toContain(`cannot resolve ${ref}`);
      const checked = await sandbox.run(['secret', 'check', '--json'], { env: { ...env, [variable]: ref } });
      expect(checked.code, ref).not.toBe(0);
    }

    expect(sandbox.transcript.length).toBeGreaterThan(20);
    for (const { args, stdout, stderr } of sandbox.transcript) {
      expect(leaks(stdout), `stdout of mcpkey ${args.join(' ')}`).toBe(false);
      expect(leaks(stderr), `stderr of mcpkey ${args.join(' ')}`).toBe(false);
    }
    // Files: MCPKEY_HOME and everything else under the sandbox (HOME, the working directory).
    const files = await filesUnder(sandbox.dir);
    expect(files.some((file) => file.path.startsWith(sandbox.mcpkeyHome))).toBe(true);
    for (const file of files) expect(leaks(file.content), file.path).toBe(false);
    // The keychain keeps references, never what they resolve to.
    for (const key of ['pass', 'op', 'vault']) {
      const kept = await sandbox.keychainValue(`acme.${key}`);
      expect(kept).toMatch(/^mcpkey-reference:/);
      expect(leaks(kept!)).toBe(false);
    }
    // Every store CLI mcpkey started (the real pass and gopass too) was given the reference, never a value.
    const calls = await standIns.calls();
    expect(new Set(calls.map((call) => call.tool))).toEqual(new Set(['pass', 'gopass', 'op', 'aws', 'gcloud']));
    for (const call of calls) expect(leaks(call.args.join(' ')), `${call.tool} ${call.args.join(' ')}`).toBe(false);
  }, 300_000);
});
