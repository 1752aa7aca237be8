/**
 * References to 1Password, AWS Secrets Manager, Google Secret Manager and Vault/OpenBao, which cannot
 * run on this machine: each resolver is tested against its store's documented contract, played by a
 * STAND-IN the test starts — CLI stand-ins on PATH for `op`, `aws` and `gcloud`
 * (test/fixtures/stores/cli-standin.mjs), an HTTP stand-in for Vault's API (vault-standin.ts).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installStandIns, type StandIns } from '../fixtures/stores/standins.js';
import { startVaultStandIn, type VaultStandIn } from '../fixtures/stores/vault-standin.js';
import { requireSecretService, ROOT, useSandbox } from './helpers.js';
import { textOf, withLocalSession } from './local-clients.js';

beforeAll(requireSecretService);

const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');
const sandbox = useSandbox();
let dir: string;
let standIns: StandIns;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mk-standin-'));
  standIns = await installStandIns(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type CheckItem = { name: string; status: string; error?: { code: string; message: string; hint?: string; exitCode: number } };

/** `secret check --json` over an .env.mcp of references: every outcome from one mcpkey process. */
async function check(lines: Record<string, string>, env: Record<string, string> = {}): Promise<{ code: number | null; items: Map<string, CheckItem>; stderr: string }> {
  await writeFile(join(sandbox.cwd, '.env.mcp'), Object.entries(lines).map(([key, value]) => `${key}=${value}`).join('\n'));
  const result = await sandbox.run(['secret', 'check', ...Object.keys(lines), '--json'], { env: { ...standIns.env, ...env } });
  const items = new Map((JSON.parse(result.stdout).secrets as CheckItem[]).map((item) => [item.name, item]));
  return { code: result.code, items, stderr: result.stderr };
}

const codeOf = (items: Map<string, CheckItem>) => Object.fromEntries([...items].map(([name, item]) => [name, item.error?.code ?? item.status]));

describe('op:// through a stand-in for the 1Password CLI (`op read`)', () => {
  it('resolves with `op read --no-newline <reference>`, the reference in argv and the value only on stdout', async () => {
    await standIns.setState({ op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/Neon/credential': 'neon-from-op', 'op://Dev/Neon/other': 'x' } } });
    expect((await sandbox.run(['secret', 'set', 'neon.api_key', '--ref', 'op://Dev/Neon/credential'])).code).toBe(0);
    const get = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: standIns.env });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toBe('neon-from-op\n');
    expect(await standIns.calls()).toEqual([{ tool: 'op', args: ['read', '--no-newline', 'op://Dev/Neon/credential'] }]);
  }, 60_000);

  it('not signed in, no such vault/item/field, permission denied, not installed, timeout: one line each, with its code', async () => {
    await standIns.setState({ op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/Neon/credential': 'v', 'op://Dev/Locked/key': 'v' }, denied: ['op://Dev/Locked/key'] } });
    const found = await check({ 'x.vault': 'op://Nope/Neon/credential', 'x.item': 'op://Dev/Nope/credential', 'x.field': 'op://Dev/Neon/nope', 'x.denied': 'op://Dev/Locked/key', 'x.ok': 'op://Dev/Neon/credential' });
    expect(codeOf(found.items)).toEqual({ 'x.vault': 'store_item_not_found', 'x.item': 'store_item_not_found', 'x.field': 'store_item_not_found', 'x.denied': 'store_permission_denied', 'x.ok': 'ok' });
    expect(found.code).toBe(3);

    await standIns.setState({ op: { signedIn: false } });
    const out = await check({ 'x.ok': 'op://Dev/Neon/credential' });
    expect(out.items.get('x.ok')!.error).toMatchObject({ code: 'store_not_signed_in', exitCode: 4 });
    expect(out.items.get('x.ok')!.error!.hint).toContain('op signin');

    const get = await sandbox.run(['secret', 'get', 'x.ok'], { env: { ...standIns.env, PATH: '/usr/bin:/bin' } });
    expect(get.code).toBe(4);
    expect(get.stderr.trim().split('\n')).toHaveLength(1);
    expect(get.stderr).toMatch(/cannot resolve op:\/\/Dev\/Neon\/credential: the 1Password CLI \(op\) is not installed .* — install the 1Password CLI/);

    await standIns.setState({ op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/Neon/credential': 'v' }, delayMs: 20_000 } });
    const slow = await check({ 'x.ok': 'op://Dev/Neon/credential' }, { MCPKEY_STORE_TIMEOUT: '1' });
    expect(slow.items.get('x.ok')!.error).toMatchObject({ code: 'store_timeout', exitCode: 4 });
  }, 120_000);

  it('run: three references resolved in parallel, a reference used twice asked once, the values in the server env', async () => {
    const barrier = join(dir, 'barrier');
    await standIns.setState({
      op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/A/v': 'value-a', 'op://Dev/B/v': 'value-b', 'op://Dev/C/v': 'value-c' }, barrier: { dir: barrier, count: 3 } },
    });
    const add = await sandbox.run(['server', 'add', 'trio', '--secret', 'a', '--secret', 'b', '--secret', 'c', '--secret', 'again', '--', process.execPath, ENV_SERVER]);
    expect(add.code, add.stderr).toBe(0);
    // Each stand-in call waits until all three have started: asked one after another, the first never returns.
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'TRIO_A=op://Dev/A/v\nTRIO_B=op://Dev/B/v\nTRIO_C=op://Dev/C/v\nTRIO_AGAIN=op://Dev/A/v\n');
    await withLocalSession(sandbox, '2025-11-25', 'trio', { env: standIns.env }, async (session) => {
      expect(textOf(await session.call('env', { name: 'TRIO_A' }))).toBe('value-a');
      expect(textOf(await session.call('env', { name: 'TRIO_B' }))).toBe('value-b');
      expect(textOf(await session.call('env', { name: 'TRIO_C' }))).toBe('value-c');
      expect(textOf(await session.call('env', { name: 'TRIO_AGAIN' }))).toBe('value-a');
    });
    const calls = await standIns.calls();
    expect(calls.map((call) => call.args.at(-1)).sort()).toEqual(['op://Dev/A/v', 'op://Dev/B/v', 'op://Dev/C/v']);
  }, 120_000);
});

describe('aws-sm:// through a stand-in for the AWS CLI (`aws secretsmanager get-secret-value`)', () => {
  it('a string secret, a JSON key, an ARN (with its region); not found, no credentials, denied, no such key, binary', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/neon-AbCdEf';
    await standIns.setState({
      aws: { credentials: true, secrets: { 'prod/neon': 'neon-from-aws\n', 'prod/db': '{"password":"pw-from-aws","user":"app"}', [arn]: 'from-arn', 'prod/bin': null, 'prod/locked': 'x' }, denied: ['prod/locked'] },
    });
    const found = await check({ 'a.plain': 'aws-sm://prod/neon', 'a.json': 'aws-sm://prod/db#password', 'a.arn': `aws-sm://${arn}`, 'a.missing': 'aws-sm://prod/nope', 'a.key': 'aws-sm://prod/db#nope', 'a.bin': 'aws-sm://prod/bin', 'a.denied': 'aws-sm://prod/locked' });
    expect(codeOf(found.items)).toEqual({ 'a.plain': 'ok', 'a.json': 'ok', 'a.arn': 'ok', 'a.missing': 'store_item_not_found', 'a.key': 'store_item_not_found', 'a.bin': 'store_item_not_found', 'a.denied': 'store_permission_denied' });
    // Field names may be shown; values never.
    expect(found.items.get('a.key')!.error!.hint).toBe('its fields are: password, user');
    expect(JSON.stringify([...found.items.values()])).not.toContain('pw-from-aws');
    const calls = await standIns.calls();
    expect(calls).toContainEqual({ tool: 'aws', args: ['secretsmanager', 'get-secret-value', '--secret-id=prod/neon', '--query', 'SecretString', '--output', 'json'] });
    expect(calls).toContainEqual({ tool: 'aws', args: ['secretsmanager', 'get-secret-value', `--secret-id=${arn}`, '--query', 'SecretString', '--output', 'json', '--region=eu-west-1'] });
    // The value exactly as stored, its own trailing newline kept (JSON output, not text).
    expect((await sandbox.run(['secret', 'get', 'a.plain'], { env: standIns.env })).stdout).toBe('neon-from-aws\n\n');
    expect((await sandbox.run(['secret', 'get', 'a.json'], { env: standIns.env })).stdout).toBe('pw-from-aws\n');

    await standIns.setState({ aws: { credentials: false } });
    const out = await check({ 'a.plain': 'aws-sm://prod/neon' });
    expect(out.items.get('a.plain')!.error).toMatchObject({ code: 'store_not_signed_in', exitCode: 4 });
    expect(out.items.get('a.plain')!.error!.hint).toContain('aws sso login');
  }, 120_000);
});

describe('gcp-sm:// through a stand-in for the Google Cloud CLI (`gcloud secrets versions access`)', () => {
  it('latest and a pinned version; not found, not signed in, denied', async () => {
    await standIns.setState({
      gcloud: { account: true, secrets: { 'projects/acme/secrets/neon/versions/latest': 'neon-from-gcp', 'projects/acme/secrets/neon/versions/3': 'neon-v3' }, denied: ['projects/acme/secrets/locked/versions/latest'] },
    });
    const found = await check({ 'g.latest': 'gcp-sm://projects/acme/secrets/neon', 'g.v3': 'gcp-sm://projects/acme/secrets/neon/versions/3', 'g.missing': 'gcp-sm://projects/acme/secrets/nope', 'g.denied': 'gcp-sm://projects/acme/secrets/locked' });
    expect(codeOf(found.items)).toEqual({ 'g.latest': 'ok', 'g.v3': 'ok', 'g.missing': 'store_item_not_found', 'g.denied': 'store_permission_denied' });
    expect(await standIns.calls()).toContainEqual({ tool: 'gcloud', args: ['secrets', 'versions', 'access', '3', '--secret=neon', '--project=acme'] });
    expect((await sandbox.run(['secret', 'get', 'g.v3'], { env: standIns.env })).stdout).toBe('neon-v3\n');

    await standIns.setState({ gcloud: { account: false } });
    const out = await check({ 'g.latest': 'gcp-sm://projects/acme/secrets/neon' });
    expect(out.items.get('g.latest')!.error).toMatchObject({ code: 'store_not_signed_in', exitCode: 4 });
    expect(out.items.get('g.latest')!.error!.hint).toContain('gcloud auth login');
    const bad = await sandbox.run(['secret', 'set', 'g.x', '--force', '--ref', 'gcp-sm://acme/neon']);
    expect(bad.code).toBe(2);
  }, 120_000);
});

describe('vault:// through a stand-in for the Vault/OpenBao HTTP API', () => {
  let vault: VaultStandIn;
  beforeAll(async () => {
    vault = await startVaultStandIn({
      mounts: { 'secret/': 2, 'kv1/': 1, 'team/kv/': 2 },
      secrets: {
        'secret/team/neon': { api_key: 'neon-from-vault', region: 'eu' },
        'secret/team/single': { token: 'only-field' },
        'secret/team/gone': null,
        'secret/team/private': { key: 'x' },
        'kv1/team/legacy': { key: 'from-kv1' },
        'team/kv/app': { token: 'from-nested-mount' },
      },
      tokens: ['good-token', 'limited-token'],
      denied: { 'limited-token': ['secret/team/private'] },
      namespace: 'admin/team',
    });
  });
  afterAll(async () => {
    await vault?.close();
  });

  const refs = {
    'v.v2': 'vault://secret/team/neon#api_key',
    'v.v1': 'vault://kv1/team/legacy#key',
    'v.nested': 'vault://team/kv/app#token',
    'v.single': 'vault://secret/team/single',
    'v.many': 'vault://secret/team/neon',
    'v.missing': 'vault://secret/team/nope#k',
    'v.key': 'vault://secret/team/neon#nope',
    'v.gone': 'vault://secret/team/gone#k',
    'v.denied': 'vault://secret/team/private#key',
  };

  it('KV v2 and v1 (learnt from sys/internal/ui/mounts), a nested mount, one field without #key; token and namespace headers', async () => {
    const env = { VAULT_ADDR: vault.url, VAULT_TOKEN: 'limited-token', VAULT_NAMESPACE: 'admin/team' };
    const found = await check(refs, env);
    expect(codeOf(found.items)).toEqual({
      'v.v2': 'ok', 'v.v1': 'ok', 'v.nested': 'ok', 'v.single': 'ok',
      'v.many': 'store_item_not_found', 'v.missing': 'store_item_not_found', 'v.key': 'store_item_not_found', 'v.gone': 'store_item_not_found',
      'v.denied': 'store_permission_denied',
    });
    expect(found.items.get('v.many')!.error!.hint).toBe('its fields are: api_key, region');
    const paths = vault.requests.map((request) => request.path);
    expect(paths).toContain('/v1/sys/internal/ui/mounts/secret/team/neon');
    expect(paths).toContain('/v1/secret/data/team/neon');
    expect(paths).toContain('/v1/kv1/team/legacy');
    expect(paths).toContain('/v1/team/kv/data/app');
    expect(vault.requests.every((request) => request.headers['x-vault-token'] === 'limited-token' && request.headers['x-vault-namespace'] === 'admin/team')).toBe(true);
    const get = await sandbox.run(['secret', 'get', 'v.v2'], { env });
    expect(get.stdout).toBe('neon-from-vault\n');
  }, 120_000);

  it('the token from ~/.vault-token; none, a rejected one, an unreachable server: each its own error', async () => {
    await writeFile(join(sandbox.home, '.vault-token'), 'good-token\n');
    const fromFile = await check({ 'v.v1': refs['v.v1'] }, { VAULT_ADDR: vault.url, VAULT_NAMESPACE: 'admin/team' });
    expect(codeOf(fromFile.items)).toEqual({ 'v.v1': 'ok' });
    await rm(join(sandbox.home, '.vault-token'));
    const none = await check({ 'v.v1': refs['v.v1'] }, { VAULT_ADDR: vault.url });
    expect(none.items.get('v.v1')!.error).toMatchObject({ code: 'store_not_signed_in' });
    expect(none.items.get('v.v1')!.error!.hint).toContain('vault login');
    const rejected = await check({ 'v.v1': refs['v.v1'] }, { VAULT_ADDR: vault.url, VAULT_TOKEN: 'expired-token', VAULT_NAMESPACE: 'admin/team' });
    expect(rejected.items.get('v.v1')!.error).toMatchObject({ code: 'store_not_signed_in' });
    const down = await check({ 'v.v1': refs['v.v1'] }, { VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'good-token' });
    expect(down.items.get('v.v1')!.error).toMatchObject({ code: 'store_failed', exitCode: 4 });
    expect(down.items.get('v.v1')!.error!.message).toContain('cannot reach Vault at http://127.0.0.1:9 (ECONNREFUSED)');
  }, 120_000);
});

describe('vault:// over TLS, with the settings the Vault CLI reads', () => {
  it('VAULT_CACERT trusts a private CA; without it the certificate is refused; VAULT_SKIP_VERIFY turns the check off', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    const vault = await startVaultStandIn({ mounts: { 'secret/': 2 }, secrets: { 'secret/tls': { key: 'over-tls' } }, tokens: ['t'], tls: { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') } });
    try {
      const env = { VAULT_ADDR: vault.url, VAULT_TOKEN: 't' };
      const trusted = await check({ 't.ok': 'vault://secret/tls#key' }, { ...env, VAULT_CACERT: cert });
      expect(codeOf(trusted.items)).toEqual({ 't.ok': 'ok' });
      const untrusted = await check({ 't.ok': 'vault://secret/tls#key' }, env);
      expect(untrusted.items.get('t.ok')!.error).toMatchObject({ code: 'store_failed' });
      expect(untrusted.items.get('t.ok')!.error!.message).toMatch(/cannot reach Vault at https:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
      const skipped = await check({ 't.ok': 'vault://secret/tls#key' }, { ...env, VAULT_SKIP_VERIFY: 'true' });
      expect(codeOf(skipped.items)).toEqual({ 't.ok': 'ok' });
    } finally {
      await vault.close();
    }
  }, 120_000);
});

describe('--ref checks the shape of each store\'s reference', () => {
  it('refuses malformed references with invalid_reference (exit 2), before any store is asked', async () => {
    await mkdir(join(sandbox.home), { recursive: true });
    for (const ref of ['op://Dev/Neon', 'op://Dev//x', 'vault://secret', 'vault://secret/x#', 'aws-sm://', 'aws-sm://-x', 'gcp-sm://projects/p/secrets/', 'gcp-sm://p/s']) {
      const result = await sandbox.run(['secret', 'set', 'neon.api_key', '--ref', ref], { env: standIns.env });
      expect(result.code, `${ref}: ${result.stderr}`).toBe(2);
      expect(result.stderr, ref).toMatch(/is not a valid [a-z-]+:\/\/ reference|is not a reference/);
    }
    expect(await standIns.calls()).toEqual([]);
  }, 120_000);
});
