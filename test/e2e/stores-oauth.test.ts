/**
 * An OAuth client secret given as a reference: `--client-secret-stdin` reads `op://…` from the pipe and
 * the secret itself from the store (a stand-in for the 1Password CLI, see stores-standins.test.ts),
 * against a real authorization server (oidc-provider).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installStandIns, type StandIns } from '../fixtures/stores/standins.js';
import { requireSecretService, useSandbox } from './helpers.js';
import { BROWSER_DRIVER, storedGrant, useOAuthPeers } from './oauth-helpers.js';

beforeAll(requireSecretService);

const { as, mcp } = useOAuthPeers({ accessTokenTtl: 3600 });
const sandbox = useSandbox();
let dir: string;
let standIns: StandIns;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mk-oauth-ref-'));
  standIns = await installStandIns(dir, ['op']);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rawBasic = (header: string | undefined) => Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('an OAuth client secret from a secret store', () => {
  it('a piped op:// reference is resolved, and the token request carries the secret from the store', async () => {
    await standIns.setState({ op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/Demo/client-secret': 'static-basic-secret' } } });
    expect((await sandbox.run(['server', 'add', 'demo', '--url', mcp.url])).code).toBe(0);
    const env = { ...standIns.env, BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` };
    const args = ['oauth', 'authorize', 'demo', '--client-id', 'static-basic', '--client-secret-stdin', '--client-auth', 'client_secret_basic'];

    await standIns.setState({ op: { signedIn: false } });
    const out = await sandbox.run(args, { env, input: 'op://Dev/Demo/client-secret\n', timeoutMs: 180_000 });
    expect(out.code).toBe(4);
    expect(out.stderr).toContain('not signed in to 1Password — sign in with `op signin`');
    expect(await storedGrant(sandbox, 'demo')).toBeUndefined();

    await standIns.setState({ op: { signedIn: true, vaults: ['Dev'], items: { 'op://Dev/Demo/client-secret': 'static-basic-secret' } } });
    const result = await sandbox.run(args, { env, input: 'op://Dev/Demo/client-secret\n', timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.clientId === 'static-basic').at(-1)!;
    expect(rawBasic(tokenRequest.authorization)).toBe('static-basic:static-basic-secret');
    expect(await standIns.calls()).toContainEqual({ tool: 'op', args: ['read', '--no-newline', 'op://Dev/Demo/client-secret'] });
  }, 300_000);
});
