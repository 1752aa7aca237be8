#!/usr/bin/env node
/**
 * Start-up benchmark: how long the common invocations take, next to a bare `node -e 0` in the same
 * interleaved run. Run with `npm run bench` (builds first). BENCH_ROUNDS sets the number of timed rounds
 * (default 15); the rows at 1,000 secrets run BENCH_HEAVY_ROUNDS of them (default 5), they take seconds each.
 * Each row shows CPU time (user + system of the process and its children, from bash's `times`) and wall
 * time (spawn to exit, the bash wrapper included), median and p90, and both as ratios to `node -e 0`.
 *
 * Secrets live in private keychain services (mcpkey-bench-<random>-<count>) holding 0, 50, 200 and 1,000
 * secrets, seeded in child processes through mcpkey's own keychain module and deleted afterwards.
 * Without a usable Secret Service on the session bus, the
 * script re-runs itself inside its own D-Bus session with a fresh gnome-keyring (scripts/keyring-session.sh).
 * It only prints timings; it asserts nothing about them.
 *
 * Rows marked "floor:" run `node -e` with only the part of a row mcpkey cannot do without (the core
 * loaded, one keychain library read, one spawn, a listing through the core's Secret Service client): what
 * is left of a row above its floor is mcpkey's own.
 *
 * Then the gateway (scripts/bench-gateway.mjs): a tool call through `mcpkey gateway` against the same
 * call made directly (BENCH_GATEWAY_CALLS each, default 200), and its start with 10 enabled servers
 * against `mcpkey --version`.
 *
 * Last, the load target: test/e2e/load.test.ts with 100 concurrent `oauth token` calls across expiry
 * on a loaded machine (a real oidc-provider, the same keyring, headless Chromium for the one sign-in),
 * printed as "oauth token ×100 across expiry: 100/100 ok, 1 refresh". BENCH_LOAD_N changes the 100 (0 skips it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBenchPeers } from './bench-peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/mcpkey.js');
const SELF = join(ROOT, 'scripts/bench.mjs');
/** Keychain sizes, each in its own service; 50 is the one the other keychain rows use. */
const SECRET_COUNTS = [0, 50, 200, 1000];
const OWN_KEYRING = 'MCPKEY_BENCH_OWN_KEYRING';

function rounds(variable, fallback) {
  const value = Number(process.env[variable] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${variable} must be a positive integer, got "${process.env[variable]}"`);
    process.exit(2);
  }
  return value;
}
const ROUNDS = rounds('BENCH_ROUNDS', 15);
const HEAVY_ROUNDS = Math.min(ROUNDS, rounds('BENCH_HEAVY_ROUNDS', 5));

function has(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion; resolves with its exit code, output and wall time in ms. */
function run(command, args, { env, cwd, input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/**
 * Like run, plus the CPU time (user + system, ms) of the command and everything it waited for: bash
 * runs it as a child and reports its children's times, to ms, on fd 3.
 */
function timed(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const script = '"$@"; status=$?; times >&3; exit $status';
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', script, 'bash', command, ...args], { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let times = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.stdio[3].setEncoding('utf8').on('data', (chunk) => (times += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Second line: the children's user and system time, e.g. "0m0.052s 0m0.012s".
      const parts = [...(times.trim().split('\n')[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)];
      const cpu = parts.length === 2 ? parts.reduce((sum, [, min, sec]) => sum + (Number(min) * 60 + Number(sec)) * 1000, 0) : NaN;
      resolvePromise({ code, stdout, stderr, ms, cpu });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Re-runs this script inside a private D-Bus session with its own unlocked gnome-keyring. */
async function reexecWithOwnKeyring(reason) {
  const missing = ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool'].filter((tool) => !has(tool));
  if (missing.length > 0) {
    console.error(`bench: ${reason}, and cannot start one: missing ${missing.join(', ')}`);
    console.error('bench: install with: sudo apt-get install -y dbus gnome-keyring libsecret-tools');
    process.exit(1);
  }
  console.log(`bench: ${reason}; starting a private D-Bus session with its own gnome-keyring`);
  const keyringHome = mkdtempSync(join(tmpdir(), 'mcpkey-bench-keyring-'));
  const child = spawn('bash', [join(ROOT, 'scripts/keyring-session.sh'), keyringHome, 'bench-password', '--', process.execPath, SELF], {
    cwd: ROOT,
    env: { ...process.env, [OWN_KEYRING]: '1' },
    stdio: 'inherit',
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  const code = await new Promise((resolvePromise) => child.on('close', (status) => resolvePromise(status ?? 1)));
  rmSync(keyringHome, { recursive: true, force: true });
  process.exit(code);
}

/** Runs the load test at N callers; resolves with the line it reports, or why there is none. */
async function oauthLoad(n) {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkey-bench-load-'));
  const report = join(dir, 'report.jsonl');
  try {
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const result = await run(process.execPath, [vitest, 'run', 'test/e2e/load.test.ts', '-t', 'on a loaded machine'], {
      cwd: ROOT,
      env: { ...process.env, MCPKEY_LOAD_N: String(n), MCPKEY_LOAD_REPORT: report, MCPKEY_TEST_SECRET_SERVICE: '1', NO_COLOR: '1' },
    });
    let line;
    try {
      line = JSON.parse(readFileSync(report, 'utf8').trim().split('\n').at(-1)).line;
    } catch {
      const why = `${result.stdout}${result.stderr}`.split('\n').filter((text) => /Error|expected|✗|×/.test(text)).slice(0, 3).join(' / ');
      return `oauth token ×${n} across expiry: did not run (vitest exit ${result.code}${why ? `: ${why}` : ''})`;
    }
    return result.code === 0 ? line : `${line} — FAILED, see \`npm test -- test/e2e/load.test.ts\``;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes (or deletes) bench.key_FROM … bench.key_TO in a keychain service, through mcpkey's own keychain
 * module, in a child process (1,000 CLI calls would take minutes). Not in this one: the keychain library
 * keeps a connection per entry until it is collected, and past 1,024 open descriptors its threads spin,
 * which would load the machine for every timed round.
 */
const KEYCHAIN_JOB = `
const [op, service, from, to, module] = process.argv.slice(1);
const { randomBytes } = await import('node:crypto');
const keychain = (await import(module)).createOsKeychain(service);
for (let i = Number(from); i <= Number(to); i += 1) {
  const name = 'bench.key_' + i;
  if (op === 'set') await keychain.set(name, 'bench-value-' + i + '-' + randomBytes(8).toString('hex'));
  else if ((await keychain.get(name).catch(() => undefined)) !== undefined) await keychain.delete(name).catch(() => undefined);
}
process.exit(0);
`;

async function keychainJob(op, service, from, to) {
  const module = pathToFileURL(join(ROOT, 'dist/core/secrets/keychain.js')).href;
  // 250 names per process keep its open descriptors well below 1,024.
  for (let start = from; start <= to; start += 250) {
    const end = String(Math.min(to, start + 249));
    const result = await run(process.execPath, ['--input-type=module', '-e', KEYCHAIN_JOB, op, service, String(start), end, module], { env: process.env });
    if (result.code !== 0 && op === 'set') throw new Error(`could not seed ${service}: ${result.stderr.trim()}`);
  }
}

/**
 * A floor row's script: `node -e` doing one thing mcpkey's row cannot avoid. The keychain library is
 * required as mcpkey requires it (its native package directly where there is one).
 */
function floorScript(expression) {
  const helpers = {
    core: `const core = require(${JSON.stringify(join(ROOT, 'dist/cli/core.cjs'))}).loadCore();`,
    listing: `const listing = require(${JSON.stringify(join(ROOT, 'dist/cli/core.cjs'))}).loadCore().core__secrets__dbus__listing; const service = process.env.MCPKEY_KEYCHAIN_SERVICE;`,
    keychainRead: `function keychainRead() { const r = require('node:module').createRequire(${JSON.stringify(join(ROOT, 'package.json'))}); let k; try { k = r('@napi-rs/keyring-linux-' + process.arch + '-gnu'); } catch { k = r('@napi-rs/keyring'); } return new k.AsyncEntry(process.env.MCPKEY_KEYCHAIN_SERVICE, 'bench.key_7', { linux: { store: 'secret-service' } }).getPassword(); }`,
    spawnTrue: `function spawnTrue() { return new Promise((resolve) => require('node:child_process').spawn('true', { stdio: 'inherit' }).on('exit', resolve)); }`,
  };
  // The helper the expression starts with.
  const setup = Object.entries(helpers).filter(([name]) => expression.startsWith(name)).map(([, code]) => code).join('\n');
  // A listing prints how many it found; a read, the value.
  return `${setup}\nPromise.resolve(${expression}).then((found) => { if (Array.isArray(found)) process.stdout.write(String(found.length)); else if (typeof found === 'string') process.stdout.write(found); });`;
}

function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env[OWN_KEYRING]) {
    await reexecWithOwnKeyring('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)');
    return;
  }

  const prefix = `mcpkey-bench-${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'mcpkey-bench-'));
  // Only what the CLI needs: none of the caller's mcpkey settings or server keys.
  const baseEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    MCPKEY_HOME: join(dir, 'mcpkey'),
    NO_COLOR: '1',
    ...(process.env.LANG ? { LANG: process.env.LANG } : {}),
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
  };
  /** One keychain service per size; the CLI sees the one of `count` secrets. */
  const envAt = (count) => ({ ...baseEnv, MCPKEY_KEYCHAIN_SERVICE: `${prefix}-${count}` });
  const env = envAt(50);
  const mcpkey = (args, input) => run(process.execPath, [BIN, ...args], { env, cwd: dir, input });

  /** How many bench.key_N each service holds, for the cleanup. */
  const seeded = new Map();
  let peers;
  const cleanup = async () => {
    if (seeded.size === 0) return;
    for (const [service, count] of seeded) {
      if (has('secret-tool')) await run('secret-tool', ['clear', 'service', service], { env: process.env });
      // Whatever secret-tool did not remove (or without secret-tool at all).
      await keychainJob('delete', service, 1, count);
    }
    seeded.clear();
  };
  const interrupted = () => {
    cleanup().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on('SIGINT', interrupted).on('SIGTERM', interrupted);

  try {
    // The first write tells whether there is a usable Secret Service at all.
    const first = await mcpkey(['secret', 'set', 'bench.key_1'], `bench-value-1-${randomBytes(8).toString('hex')}`);
    if (first.code !== 0) {
      if (process.env[OWN_KEYRING]) throw new Error(`cannot store a secret even in the private keyring: ${first.stderr.trim()}`);
      rmSync(dir, { recursive: true, force: true });
      await reexecWithOwnKeyring(`no usable Secret Service (${first.stderr.trim().split('\n')[0]})`);
      return;
    }
    seeded.set(envAt(50).MCPKEY_KEYCHAIN_SERVICE, 1);
    const seededAt = Date.now();
    for (const count of SECRET_COUNTS) {
      const service = envAt(count).MCPKEY_KEYCHAIN_SERVICE;
      const from = (seeded.get(service) ?? 0) + 1;
      seeded.set(service, count);
      if (from <= count) await keychainJob('set', service, from, count);
    }
    const seedSeconds = ((Date.now() - seededAt) / 1000).toFixed(1);
    console.log(`bench: seeded ${SECRET_COUNTS.join('/')} secrets in ${seedSeconds} s`);
    for (const count of SECRET_COUNTS) {
      const listed = await run(process.execPath, [BIN, 'secret', 'list', '--json'], { env: envAt(count), cwd: dir });
      const inKeychain = JSON.parse(listed.stdout).secrets.filter((s) => s.server === 'bench' && s.sources.includes('keychain')).length;
      if (inKeychain !== count) throw new Error(`expected ${count} bench secrets in ${envAt(count).MCPKEY_KEYCHAIN_SERVICE}, secret list shows ${inKeychain}`);
    }

    // Two local MCP servers, one per era, for the cost of negotiation: the first call probes, a repeat uses the cached verdict.
    peers = await startBenchPeers();
    for (const [name, peer] of [['modern', peers.modern], ['legacy', peers.legacy]]) {
      const added = await mcpkey(['server', 'add', `bench-${name}`, '--url', peer.url, '--no-auth']);
      if (added.code !== 0) throw new Error(`server add bench-${name}: ${added.stderr.trim()}`);
    }
    // The cheapest stdio server there is (`true` exits at once): what `run` adds is mcpkey's own launch overhead.
    const addedTrue = await mcpkey(['server', 'add', 'bench-true', '--', 'true']);
    if (addedTrue.code !== 0) throw new Error(`server add bench-true: ${addedTrue.stderr.trim()}`);
    const forgetEras = () => rmSync(join(baseEnv.MCPKEY_HOME, 'protocol-cache.json'), { force: true });
    const listsEcho = (out) => out.includes('echo');
    const listsKey = (n) => (out) => out.includes(`bench.key_${n}`);

    const cases = [
      { label: 'node -e 0', command: ['-e', '0'], check: () => true },
      { label: '--version', args: ['--version'], check: (out) => /^\d+\.\d+\.\d+/.test(out) },
      { label: '--help', args: ['--help'], check: (out) => out.includes('Usage: mcpkey') },
      { label: 'completion bash', args: ['completion', 'bash'], check: (out) => out.includes('__complete') },
      { label: '__complete -- server enable ne', args: ['__complete', '--', 'server', 'enable', 'ne'], check: (out) => out.includes('neon\t') },
      { label: "__complete -- secret get '' (50)", args: ['__complete', '--', 'secret', 'get', ''], check: listsKey(50) },
      { label: 'secret get NAME (50)', args: ['secret', 'get', 'bench.key_7'], check: (out) => out.startsWith('bench-value-7-') },
      { label: 'secret get NAME (1,000)', args: ['secret', 'get', 'bench.key_7'], count: 1000, heavy: true, check: (out) => out.startsWith('bench-value-7-') },
      { label: 'run (stdio server `true`)', args: ['run', 'bench-true'], check: () => true },
      { label: 'server list', args: ['server', 'list'], check: (out) => out.includes('bench-true') },
      { label: 'oauth ls', args: ['oauth', 'ls'], check: (out) => out.includes('linear') },
      ...SECRET_COUNTS.map((count) => ({
        label: `secret list (${count.toLocaleString('en')})`,
        args: ['secret', 'list'],
        count,
        heavy: count >= 1000,
        check: count === 0 ? () => true : listsKey(count),
      })),
      // Floors: node with only the part of a row that mcpkey cannot do without, for comparison.
      { label: 'floor: the core loaded (context)', command: ['-e', floorScript('core.cli__context')], check: () => true },
      { label: 'floor: keychain library, one read (50)', command: ['-e', floorScript('keychainRead()')], check: (out) => out.startsWith('bench-value-7-') },
      { label: 'floor: child_process, spawn `true`', command: ['-e', floorScript('spawnTrue()')], check: () => true },
      { label: 'floor: core + names listing (50)', command: ['-e', floorScript('listing.listAccounts(service)')], check: (out) => out === '50' },
      { label: 'floor: core + listing with values (50)', command: ['-e', floorScript('listing.listEntries(service)')], check: (out) => out === '50' },
      { label: 'tools list, 2026-07-28 server, first call', args: ['tools', 'list', 'bench-modern'], before: forgetEras, check: listsEcho },
      { label: 'tools list, 2026-07-28 server, repeat', args: ['tools', 'list', 'bench-modern'], repeat: true, check: listsEcho },
      { label: 'tools list, 2025-11-25 server, first call', args: ['tools', 'list', 'bench-legacy'], before: forgetEras, check: listsEcho },
      { label: 'tools list, 2025-11-25 server, repeat', args: ['tools', 'list', 'bench-legacy'], repeat: true, check: listsEcho },
    ];
    for (const item of cases) {
      item.argv = item.command ?? [BIN, ...item.args];
      item.env = envAt(item.count ?? 50);
      item.samples = [];
    }
    // One untimed round: warms the disk cache, and proves each command does what its label says.
    for (const item of cases) {
      item.before?.();
      const result = await run(process.execPath, item.argv, { env: item.env, cwd: dir });
      if (result.code !== 0 || !item.check(result.stdout)) {
        throw new Error(`${item.label}: exit ${result.code}, unexpected output:\n${result.stdout}${result.stderr}`);
      }
    }
    // Interleaved: every round runs each command once, starting at a different one each time.
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let k = 0; k < cases.length; k += 1) {
        const item = cases[(round + k) % cases.length];
        if (item.heavy && round >= HEAVY_ROUNDS) continue;
        item.before?.();
        // A repeat is timed after its server's verdict is cached, whatever ran just before it.
        if (item.repeat) await run(process.execPath, item.argv, { env: item.env, cwd: dir });
        const result = await timed(process.execPath, item.argv, { env: item.env, cwd: dir });
        if (result.code !== 0) throw new Error(`${item.label}: exit ${result.code} in round ${round + 1}: ${result.stderr.trim()}`);
        item.samples.push(result);
      }
    }

    const cpuList = cpus();
    console.log(`node ${process.version} on ${process.platform}-${process.arch}, ${availableParallelism()} CPUs (${cpuList[0]?.model?.trim() ?? 'unknown'})`);
    console.log(`${ROUNDS} interleaved rounds (rows marked * ${HEAVY_ROUNDS}); ${SECRET_COUNTS.join('/')} secrets seeded in ${seedSeconds} s`);
    console.log('cpu: user + system of the process and its children; wall: spawn to exit. Ratios: medians over node -e 0\n');
    const stats = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { med: median(sorted), p90: percentile(sorted, 90) };
    };
    const base = { cpu: stats(cases[0].samples.map((s) => s.cpu)).med, wall: stats(cases[0].samples.map((s) => s.ms)).med };
    const rows = cases.map((item) => {
      const cpu = stats(item.samples.map((s) => s.cpu));
      const wall = stats(item.samples.map((s) => s.ms));
      const label = item.command ? item.label : `mcpkey ${item.label}${item.heavy ? ' *' : ''}`;
      return [label, cpu.med.toFixed(1), cpu.p90.toFixed(1), `${(cpu.med / base.cpu).toFixed(2)}x`, wall.med.toFixed(1), wall.p90.toFixed(1), `${(wall.med / base.wall).toFixed(2)}x`];
    });
    const header = ['command', 'cpu ms', 'cpu p90', 'cpu ratio', 'wall ms', 'wall p90', 'wall ratio'];
    const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => row[col].length)));
    const format = (row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
    console.log(format(header));
    console.log(widths.map((width) => '-'.repeat(width)).join('  '));
    for (const row of rows) console.log(format(row));

    // The gateway's targets (issue 11): a call through it against a direct one, and its start against --version.
    const { gatewayBench } = await import('./bench-gateway.mjs');
    console.log(`\n${(await gatewayBench({ env, cwd: dir, rounds: ROUNDS })).join('\n')}`);

    const loadN = Number(process.env.BENCH_LOAD_N ?? 100);
    if (loadN > 0) console.log(`\n${await oauthLoad(loadN)}`);
  } finally {
    peers?.close();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
