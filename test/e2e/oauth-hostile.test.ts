import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAuthServer } from '../fixtures/auth-server.js';
import { startMcpServer } from '../fixtures/mcp-server.js';
import { expectOneLine, requireSecretService, ROOT, runInTerminal, useSandbox } from './helpers.js';
import { useOAuthPeers, BROWSER_DRIVER, callTool, sleep, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

const { as, mcp } = useOAuthPeers();
const sandbox = useSandbox();
beforeEach(async () => {
  expect((await sandbox.run(['server', 'add', 'demo', '--url', mcp.url])).code).toBe(0);
});
afterEach(async () => {
  as.configure({ metadataOverrides: {}, tokenEndpointGarbage: false, issMismatch: false });
  mcp.configure({ resourceOverride: undefined, prmAtRootOnly: false });
});

const driverLog = () => join(sandbox.dir, 'driver.log');
const browserEnv = (extra: Record<string, string> = {}) => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: driverLog(), ...extra });

/** Fails with exit 7 and one clean line; stores no grant. */
async function expectRefused(args: string[], pattern: RegExp, env: Record<string, string> = browserEnv()): Promise<void> {
  const result = await sandbox.run(['oauth', 'authorize', 'demo', ...args], { env, timeoutMs: 180_000 });
  expectOneLine(result, 7, pattern);
  expect(await storedGrant(sandbox, 'demo')).toBeUndefined();
}

describe('hostile and broken peers', () => {
  it('ignores forged callbacks with a wrong or missing state, and the real flow completes', async () => {
    const result = await sandbox.run(['oauth', 'authorize', 'demo'], {
      env: { BROWSER: join(ROOT, 'test/fixtures/forging-browser.mjs'), DRIVER_LOG: driverLog() },
      timeoutMs: 180_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const log = await readFile(driverLog(), 'utf8');
    expect(log).toContain('forged code=forged&state=wrong-state -> 400');
    expect(log).toContain('forged code=forged -> 400');
    expect(log).toContain('forged error=access_denied&state=also-wrong -> 400');
    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(JSON.parse(await callTool(mcp.url, grant.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });
  }, 300_000);

  it('error=access_denied ends the flow with the provider’s answer', async () => {
    await expectRefused([], /authorization refused by the provider: access_denied/, browserEnv({ DRIVER_ACTION: 'deny' }));
  }, 300_000);

  it('a wrong iss in the authorization response (mix-up) is refused before the code is used', async () => {
    as.configure({ issMismatch: true });
    const codeGrants = as.stats().authorizationCodeGrants;
    await expectRefused([], /came from issuer "http:\/\/127\.0\.0\.1:1\/evil", expected/);
    expect(as.stats().authorizationCodeGrants).toBe(codeGrants);
  }, 300_000);

  it('authorization server metadata naming another issuer is refused', async () => {
    as.configure({ metadataOverrides: { issuer: 'http://127.0.0.1:1/elsewhere' } });
    const before = as.stats().authorizationRequests;
    await expectRefused([], /names issuer "http:\/\/127\.0\.0\.1:1\/elsewhere", expected/);
    expect(as.stats().authorizationRequests).toBe(before);
  });

  it('resource metadata for another resource is refused: nothing is sent to the authorization server', async () => {
    mcp.configure({ resourceOverride: 'http://127.0.0.1:1/other' });
    const before = as.stats();
    await expectRefused([], /resource metadata is for http:\/\/127\.0\.0\.1:1\/other, not/);
    expect(as.stats().metadataRequests).toBe(before.metadataRequests);
    expect(as.stats().registrations).toBe(before.registrations);
  });

  it('metadata without PKCE S256 is refused', async () => {
    as.configure({ metadataOverrides: { code_challenge_methods_supported: ['plain'] } });
    await expectRefused([], /does not list PKCE S256/);
  });

  it('plain-http endpoints off loopback are refused before any request goes there', async () => {
    as.configure({ metadataOverrides: { authorization_endpoint: 'http://auth.example.com/authorize' } });
    await expectRefused([], /refusing authorization endpoint http:\/\/auth\.example\.com\/authorize: not HTTPS/);
    as.configure({ metadataOverrides: { token_endpoint: 'http://auth.example.com/token' } });
    await expectRefused([], /refusing token endpoint http:\/\/auth\.example\.com\/token: not HTTPS/);
  });

  it('a token endpoint answering garbage fails cleanly', async () => {
    as.configure({ tokenEndpointGarbage: true });
    await expectRefused([], /the token request failed: the server sent an invalid response/);
  }, 300_000);

  it('a busy fixed port is a clear error', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expectRefused(['--port', String(port)], new RegExp(`port ${port} on 127\\.0\\.0\\.1 is not available .*--port`));
    } finally {
      blocker.close();
    }
  });

  it('times out cleanly when nobody signs in', async () => {
    const started = Date.now();
    await expectRefused(['--timeout', '2', '--no-browser'], /no authorization response within 2 s/, {});
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('finds resource metadata at the root well-known when the challenge names none', async () => {
    mcp.configure({ prmAtRootOnly: true });
    const result = await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    expect((await storedGrant(sandbox, 'demo'))!.issuer).toBe(as.issuer);
  }, 300_000);

  it('over SSH: the browser cannot reach the loopback port, the user pastes the address instead', async () => {
    const log = driverLog();
    const result = await runInTerminal(
      sandbox,
      ['oauth', 'authorize', 'demo'],
      [
        {
          prompt: 'paste the address',
          answer: async () => {
            for (let i = 0; i < 600; i += 1) {
              const text = await readFile(log, 'utf8').catch(() => '');
              const line = text.split('\n').find((l) => l.startsWith('blocked-callback '));
              if (line) return line.slice('blocked-callback '.length).trim();
              await sleep(100);
            }
            return 'no callback seen';
          },
        },
      ],
      { env: browserEnv({ DRIVER_BLOCK_CALLBACK: '1' }), timeoutMs: 180_000 },
    );
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('Authorized demo');
    expect(await storedGrant(sandbox, 'demo')).toBeDefined();
  }, 300_000);
});

describe('issuer with a path', () => {
  it('finds metadata at /.well-known/oauth-authorization-server/<path> and authorizes', async () => {
    const tenant = await startAuthServer({ issuerPath: '/tenant1' });
    const server = await startMcpServer({ authServerIssuer: tenant.issuer });
    try {
      expect((await sandbox.run(['server', 'add', 'tenant', '--url', server.url])).code).toBe(0);
      const result = await sandbox.run(['oauth', 'authorize', 'tenant'], { env: browserEnv(), timeoutMs: 180_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(tenant.requests().some((r) => r.path === '/.well-known/oauth-authorization-server/tenant1' && r.status === 200)).toBe(true);
      expect((await storedGrant(sandbox, 'tenant'))!.issuer).toBe(tenant.issuer);
    } finally {
      await server.close();
      await tenant.close();
    }
  }, 300_000);
});
