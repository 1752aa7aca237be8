import { describe, expect, it } from 'vitest';
import { printDoctor } from '../../src/commands/doctor/index.js';
import { createPrinter } from '../../src/cli/output.js';
import type { ResolvedEntry } from '../../src/core/catalog/types.js';
import { KeychainError } from '../../src/core/secrets/keychain-errors.js';
import { checkClientFile } from '../../src/core/doctor/clients.js';
import { checkConfig } from '../../src/core/doctor/config.js';
import { diagnose, type DoctorDeps } from '../../src/core/doctor/index.js';
import { checkKeychain } from '../../src/core/doctor/keychain.js';
import { checkLauncher, checkMcpkeyOnPath } from '../../src/core/doctor/launchers.js';
import { checkGrant } from '../../src/core/doctor/oauth.js';
import { checkProtocol } from '../../src/core/doctor/protocol.js';
import { checkAnythingEnabled, checkServerReady, checkShellOnlySecrets, checkUnknownEnabled } from '../../src/core/doctor/servers.js';
import { doctorReport, listed } from '../../src/core/doctor/types.js';
import { OAuthStore } from '../../src/core/oauth/store.js';
import { noVerdicts } from '../../src/core/protocol/verdicts.js';
import { SecretResolver } from '../../src/core/secrets/resolve.js';
import { MemoryKeychain } from './memory-keychain.js';

describe('the checks', () => {
  it('keychain: ok, or the diagnosis keychain-errors.ts made, with its remedy', () => {
    expect(checkKeychain({ service: 'mcpkey' })).toEqual({ id: 'keychain', status: 'ok', message: 'the OS keychain is reachable and unlocked (service "mcpkey")' });
    const locked = new KeychainError('locked', 'the OS keychain is locked', 'unlock it');
    expect(checkKeychain({ service: 'mcpkey', problem: locked })).toEqual({ id: 'keychain', status: 'fail', message: 'the OS keychain is locked', hint: 'unlock it' });
  });

  it('launchers: found, or which servers cannot start and where to get the program', () => {
    expect(checkLauncher('npx', ['memory', 'neon'], '/usr/bin/npx')).toEqual({ id: 'launcher:npx', status: 'ok', message: 'npx found at /usr/bin/npx (for memory and neon)' });
    const missing = checkLauncher('uvx', ['fetch', 'git', 'time'], undefined);
    expect(missing).toMatchObject({ id: 'launcher:uvx', status: 'fail', message: 'uvx is not on PATH: fetch, git and time cannot start' });
    expect(missing.hint).toContain('https://docs.astral.sh/uv/getting-started/installation/');
    expect(checkLauncher('docker', ['github'], undefined).hint).toMatch(/Docker Engine/);
  });

  it('mcpkey on PATH: found; missing (install, or --command with this one); a different one', () => {
    expect(checkMcpkeyOnPath({ found: '/usr/bin/mcpkey', foundReal: '/lib/mcpkey.js', selfReal: '/lib/mcpkey.js' }).status).toBe('ok');
    const missing = checkMcpkeyOnPath({ self: '/src/mcpkey/bin/mcpkey.js' });
    expect(missing).toMatchObject({ status: 'warn', message: 'mcpkey is not on PATH: MCP clients start it by name and will not find it' });
    expect(missing.hint).toMatch(/npm install -g mcpkey .*npm link.*--command \/src\/mcpkey\/bin\/mcpkey\.js$/);
    expect(checkMcpkeyOnPath({}).hint).toMatch(/--command \/path\/to\/mcpkey$/);
    const other = checkMcpkeyOnPath({ found: '/usr/bin/mcpkey', foundReal: '/old/mcpkey.js', selfReal: '/new/mcpkey.js', self: '/new/mcpkey.js' });
    expect(other).toMatchObject({ status: 'warn', message: 'the mcpkey on PATH (/usr/bin/mcpkey) is not this one (/new/mcpkey.js): MCP clients run that one' });
  });

  it('servers: ready, not ready with the next steps, an enabled name no entry has, nothing enabled', () => {
    expect(checkServerReady('memory', { ready: true, nextSteps: [] })).toEqual({ id: 'server:memory', status: 'ok', message: 'memory is ready' });
    expect(checkServerReady('neon', { ready: false, nextSteps: ['mcpkey secret set neon.api_key'] })).toEqual({
      id: 'server:neon',
      status: 'fail',
      message: 'neon is enabled but not ready',
      hint: 'run: mcpkey secret set neon.api_key',
    });
    expect(checkServerReady('odd', { ready: false, nextSteps: [] }).hint).toBe('see mcpkey server inspect odd');
    expect(checkUnknownEnabled('gone')).toMatchObject({ status: 'fail', hint: 'mcpkey server disable gone' });
    expect(checkAnythingEnabled(0)).toMatchObject({ id: 'servers', status: 'warn' });
    expect(checkAnythingEnabled(2)).toBeUndefined();
  });

  it('secrets only this shell has: from env or ./.env.mcp and not in the keychain', () => {
    expect(checkShellOnlySecrets('neon', [{ name: 'neon.api_key', sources: ['env', 'keychain'], foundAs: 'NEON_API_KEY' }])).toBeUndefined();
    expect(checkShellOnlySecrets('neon', [{ name: 'neon.api_key', sources: [] }])).toBeUndefined();
    expect(checkShellOnlySecrets('neon', [{ name: 'neon.api_key', sources: ['env'], foundAs: 'NEON_API_KEY' }])).toEqual({
      id: 'shell-only:neon',
      status: 'warn',
      message: 'neon: neon.api_key (environment variable NEON_API_KEY) comes only from this shell, which an MCP client started elsewhere does not see',
      hint: 'store it in the keychain: mcpkey secret set neon.api_key',
    });
    expect(checkShellOnlySecrets('pg', [{ name: 'pg.url', sources: ['.env.mcp'], foundAs: 'pg.url' }])!.message).toBe('pg: pg.url (./.env.mcp) comes only from this shell, which an MCP client started elsewhere does not see');
  });

  it('grants: nothing without one; renewable is fine; ends within a day without a refresh token warns; ended fails', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const grant = (expiresAt: string | undefined, refreshable: boolean) => checkGrant({ server: 'linear', refreshable, ...(expiresAt ? { expiresAt } : {}) }, now);
    expect(checkGrant(undefined, now)).toBeUndefined();
    expect(grant(undefined, false)!.status).toBe('ok');
    expect(grant('2026-12-01T11:00:00Z', true)).toMatchObject({ status: 'ok', message: "linear's access token expired; it is renewed on next use" });
    expect(grant('2026-12-01T17:30:00Z', false)).toEqual({
      id: 'oauth:linear',
      status: 'warn',
      message: "linear's authorization expires in 5 h (2026-12-01T17:30:00Z) and cannot be renewed (no refresh token)",
      hint: 'authorize again before then: mcpkey oauth authorize linear',
    });
    expect(grant('2026-12-01T12:20:00Z', false)!.message).toMatch(/expires in 20 min/);
    expect(grant('2026-12-01T11:59:00Z', false)).toMatchObject({ status: 'fail', hint: 'mcpkey oauth authorize linear' });
    expect(grant('2026-12-03T12:00:00Z', false)).toMatchObject({ status: 'ok', message: 'linear is authorized until 2026-12-03T12:00:00Z' });
  });

  it('protocol: the cached verdict, or not known yet', () => {
    expect(checkProtocol('linear', { kind: 'modern', seenAt: '2026-12-01T10:00:00Z' }).message).toBe('linear speaks 2026-07-28 (seen 2026-12-01)');
    expect(checkProtocol('linear', { kind: 'legacy', seenAt: '2026-12-01T10:00:00Z' }).message).toBe('linear speaks 2025-11-25 or older, with initialize (seen 2026-12-01)');
    expect(checkProtocol('linear', undefined)).toMatchObject({ status: 'ok', message: expect.stringMatching(/not known yet/) });
    // --probe: what the connection found wins over the cache; a failed connection warns.
    expect(checkProtocol('linear', { kind: 'legacy', seenAt: '2026-12-01T10:00:00Z' }, { revision: '2026-07-28' }).message).toBe('linear speaks 2026-07-28 (connected now)');
    expect(checkProtocol('linear', undefined, { error: 'cannot reach host' })).toEqual({ id: 'protocol:linear', status: 'warn', message: 'linear: could not connect to learn its protocol revision (cannot reach host)', hint: 'see mcpkey tools list linear' });
  });

  it('client files: missing is nothing, unreadable warns, an unknown server fails, a disabled one warns', () => {
    const names = { known: new Set(['neon', 'memory']), enabled: new Set(['neon']) };
    const file = (servers: Array<{ name: string; viaMcpkey: boolean; server?: string }>, extra = {}) => ({ client: 'cursor' as const, file: '/h/.cursor/mcp.json', exists: true, servers, ...extra });
    expect(checkClientFile({ ...file([]), exists: false }, names)).toBeUndefined();
    expect(checkClientFile(file([], { error: 'cannot parse it: x' }), names)).toMatchObject({ status: 'warn', message: 'cursor (/h/.cursor/mcp.json): cannot parse it: x' });
    const unknown = checkClientFile(file([{ name: 'db', viaMcpkey: true, server: 'ghost' }, { name: 'neon', viaMcpkey: true, server: 'neon' }]), names);
    expect(unknown).toMatchObject({ id: 'client:cursor', status: 'fail', message: 'cursor (/h/.cursor/mcp.json) runs "db" (ghost) through mcpkey, which no catalog entry has: the client cannot start it' });
    expect(checkClientFile(file([{ name: 'memory', viaMcpkey: true, server: 'memory' }]), names)).toMatchObject({ status: 'warn', hint: 'mcpkey server enable memory (or remove the entry from the file)' });
    expect(checkClientFile(file([{ name: 'neon', viaMcpkey: true, server: 'neon' }, { name: 'other', viaMcpkey: false }]), names)).toMatchObject({ status: 'ok', message: 'cursor (/h/.cursor/mcp.json): "neon" through mcpkey, known and enabled' });
  });

  it('config: readable, or why not and that the built-in catalog stands in', () => {
    expect(checkConfig('/c.json')).toEqual({ id: 'config', status: 'ok', message: 'the config file is readable (/c.json)' });
    expect(checkConfig('/c.json', { message: '/c.json is not valid JSON', hint: 'fix it' })).toEqual({
      id: 'config',
      status: 'fail',
      message: '/c.json is not valid JSON; the checks below use the built-in catalog and no enabled servers',
      hint: 'fix it',
    });
  });

  it('the report is ok unless a check failed; warnings do not count', () => {
    expect(doctorReport([{ id: 'a', status: 'ok', message: '' }, { id: 'b', status: 'warn', message: '' }]).ok).toBe(true);
    expect(doctorReport([{ id: 'a', status: 'fail', message: '' }]).ok).toBe(false);
    expect(listed(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('diagnose, with fakes for every fact', () => {
  const entry = (name: string, transport: ResolvedEntry['transport'], secrets: ResolvedEntry['secrets'] = []): ResolvedEntry => ({ name, title: name, description: '', transport, secrets, source: 'user' });
  const catalog = [
    entry('acme', { type: 'stdio', command: 'npx', args: [] }, [{ name: 'acme.api_key', env: 'ACME_API_KEY', description: '' }]),
    entry('pyfetch', { type: 'stdio', command: 'uvx', args: [] }),
  ];

  function deps(over: Partial<DoctorDeps> = {}, keychain = new MemoryKeychain()): DoctorDeps {
    const env = { PATH: '/bin' };
    return {
      configFile: '/h/.config/mcpkey/config.json',
      catalog,
      enabled: ['acme', 'pyfetch', 'gone'],
      resolver: new SecretResolver({ env, envFile: undefined, keychain, catalog }),
      keychain,
      grants: new OAuthStore(keychain),
      verdicts: noVerdicts,
      env,
      platform: 'linux',
      isExecutable: (file) => file === '/bin/npx' || file === '/bin/mcpkey',
      realpath: async (file) => file,
      self: '/bin/mcpkey',
      readClientFiles: async () => [],
      now: () => Date.parse('2026-12-01T12:00:00Z'),
      ...over,
    };
  }

  it('runs every check in order, leaves nothing behind in the keychain, and fails for what is wrong', async () => {
    const keychain = new MemoryKeychain({ 'acme.api_key': 'unit-canary' });
    const report = await diagnose(deps({}, keychain));
    expect(report.checks.map((check) => `${check.id} ${check.status}`)).toEqual([
      'keychain ok',
      'config ok',
      'mcpkey-on-path ok',
      'server:gone fail',
      'launcher:npx ok',
      'launcher:uvx fail',
      'server:acme ok',
      // Readiness looks on the same PATH: without uvx, pyfetch cannot start either.
      'server:pyfetch fail',
    ]);
    expect(report.checks.find((check) => check.id === 'server:pyfetch')!.hint).toMatch(/install uv/);
    expect(report.ok).toBe(false);
    expect([...keychain.store.keys()]).toEqual(['acme.api_key']);
    expect(JSON.stringify(report)).not.toContain('unit-canary');
  });

  it('a keychain that refuses the write probe (locked, yet empty) fails the keychain check', async () => {
    const keychain = new MemoryKeychain();
    keychain.set = async () => {
      throw new KeychainError('locked', 'the OS keychain is locked', 'unlock it');
    };
    const report = await diagnose(deps({ enabled: [] }, keychain));
    expect(report.checks[0]).toEqual({ id: 'keychain', status: 'fail', message: 'the OS keychain is locked', hint: 'unlock it' });
  });

  it('client files that cannot be listed at all become a warning, not a crash', async () => {
    const report = await diagnose(deps({ enabled: [], readClientFiles: async () => Promise.reject(new Error('EACCES')) }));
    expect(report.warnings).toEqual(["the MCP clients' files could not be read: EACCES"]);
  });
});

describe('printDoctor', () => {
  const report = doctorReport([
    { id: 'keychain', status: 'ok', message: 'keychain fine' },
    { id: 'mcpkey-on-path', status: 'warn', message: 'not on PATH', hint: 'npm link' },
    { id: 'server:neon', status: 'fail', message: 'neon not ready', hint: 'run: mcpkey secret set neon.api_key' },
  ]);
  const render = (tty: boolean) => {
    let out = '';
    printDoctor(report, createPrinter({ write: (text: string) => (out += text), isTTY: tty }, { write: () => true }, false));
    return out;
  };

  it('marks on a terminal, words in a pipe, each problem with its fix, then a count', () => {
    expect(render(true)).toBe('✓ keychain fine\n! not on PATH\n     fix: npm link\n✗ neon not ready\n     fix: run: mcpkey secret set neon.api_key\n\n1 problem, 1 warning\n');
    expect(render(false)).toBe('ok   keychain fine\nwarn not on PATH\n     fix: npm link\nFAIL neon not ready\n     fix: run: mcpkey secret set neon.api_key\n\n1 problem, 1 warning\n');
  });
});
