import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../../src/core/errors.js';
import { OAuthStore, type StoredGrant } from '../../src/core/oauth/store.js';
import { validGrant } from '../../src/core/oauth/tokens.js';
import { keychainFailure } from '../../src/core/secrets/keychain-errors.js';
import { MemoryKeychain } from './memory-keychain.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A token endpoint that answers every refresh, rotating the refresh token unless told not to. */
let server: Server;
let tokenEndpoint: string;
let rotate = true;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-crash-unit-'));
  server = createServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'new-access-canary', token_type: 'Bearer', expires_in: 3600, ...(rotate ? { refresh_token: 'new-refresh-canary' } : {}) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  tokenEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

function expiredGrant(): StoredGrant {
  return {
    version: 1,
    server: 'demo',
    resource: 'http://127.0.0.1:1/mcp',
    issuer: 'http://127.0.0.1:1',
    tokenEndpoint,
    clientId: 'client',
    client: 'dynamic',
    authMethod: 'none',
    accessToken: 'old-access-canary',
    refreshToken: 'old-refresh-canary',
    tokenType: 'Bearer',
    expiresAt: new Date(Date.now() - 60_000).toISOString(),
    obtainedAt: new Date(Date.now() - 3_660_000).toISOString(),
  };
}

/** A keychain that reads fine but cannot write: it stopped answering. */
class UnwritableKeychain extends MemoryKeychain {
  writes = 0;
  override async set(): Promise<void> {
    this.writes += 1;
    throw keychainFailure(new Error('Platform failure: DBus error: Did not receive a reply.'), { attempts: 40, elapsedMs: 120_000 });
  }
}

describe('the rotated grant cannot be stored', () => {
  it('says the grant is lost at the server and to authorize again (exit 4), without a token in it', async () => {
    rotate = true;
    const keychain = new UnwritableKeychain({ 'oauth:demo': JSON.stringify(expiredGrant()) });
    const error = (await validGrant('demo', { store: new OAuthStore(keychain), lockDir: dir }).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(keychain.writes).toBe(1);
    expect(error.code).toBe('grant_lost');
    expect(error.exitCode).toBe(ExitCode.notReady);
    expect(error.message).toBe(
      'the authorization server renewed the grant of demo, but mcpkey could not store it: the OS keychain did not answer in time (asked 40 times over 120 s); the grant is lost at the server',
    );
    expect(error.hint).toContain('`mcpkey oauth authorize demo`');
    expect(`${error.message}${error.hint}`).not.toMatch(/canary/);
  });

  it('without rotation the stored refresh token still works: the keychain error is reported as it is', async () => {
    rotate = false;
    const keychain = new UnwritableKeychain({ 'oauth:demo': JSON.stringify(expiredGrant()) });
    const error = (await validGrant('demo', { store: new OAuthStore(keychain), lockDir: dir }).catch((e: unknown) => e)) as CliError;
    expect(error.code).toBe('keychain_timeout');
    rotate = true;
  });
});

describe('signals are held back while the new grant is unsaved', () => {
  let moduleUrl: string;
  beforeAll(async () => {
    const built = join(repo, 'dist', 'core', 'oauth', 'defer-signals.js');
    const deadline = Date.now() + 30_000;
    while (!existsSync(built)) {
      if (Date.now() > deadline) throw new Error('dist/core/oauth/defer-signals.js is missing: run `npm run build` first');
      await new Promise((r) => setTimeout(r, 250));
    }
    const copy = join(dir, 'defer-signals.mjs');
    await cp(built, copy);
    await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
    moduleUrl = pathToFileURL(copy).href;
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s during the window: the work finishes, then the process stops by that signal', async (signal) => {
    const script = `
      import { withSignalsDeferred } from ${JSON.stringify(moduleUrl)};
      await withSignalsDeferred(async () => {
        process.kill(process.pid, ${JSON.stringify(signal)});
        await new Promise((r) => setTimeout(r, 300));
        process.stdout.write('saved\\n');
      });
      process.stdout.write('carried on\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code, received] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
    expect({ code, received, stdout }).toEqual({ code: null, received: signal, stdout: 'saved\n' });
  });
});
