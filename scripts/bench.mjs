#!/usr/bin/env node
/**
 * Start-up benchmark: how long the common invocations take, next to a bare `node -e 0`.
 * Run with `npm run bench` (builds first). BENCH_ROUNDS sets the number of timed rounds (default 15).
 *
 * `secret list` runs against 50 secrets in a private keychain service (mcpkey-bench-<random>),
 * created here and deleted afterwards. Without a usable Secret Service on the session bus, the
 * script re-runs itself inside its own D-Bus session with a fresh gnome-keyring, as scripts/test.sh does.
 * It only prints timings; it asserts nothing about them.
 *
 * Last, the load target: test/e2e/load.test.ts with 100 concurrent `oauth token` calls across expiry
 * on a loaded machine (a real oidc-provider, the same keyring, headless Chromium for the one sign-in),
 * printed as "oauth token ×100 across expiry: 100/100 ok, 1 refresh". BENCH_LOAD_N changes the 100.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBenchPeers } from './bench-peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/mcpkey.js');
const SELF = join(ROOT, 'scripts/bench.mjs');
const SECRET_COUNT = 50;
const OWN_KEYRING = 'MCPKEY_BENCH_OWN_KEYRING';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`bench: BENCH_ROUNDS must be a positive integer, got "${process.env.BENCH_ROUNDS}"`);
  process.exit(2);
}

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

/** Re-runs this script inside a private D-Bus session with its own unlocked gnome-keyring. */
async function reexecWithOwnKeyring(reason) {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool'].filter((tool) => !has(tool));
  if (missing.length > 0) {
    console.error(`bench: ${reason}, and cannot start one: missing ${missing.join(', ')}`);
    console.error('bench: install with: sudo apt-get install -y dbus gnome-keyring libsecret-tools');
    process.exit(1);
  }
  console.log(`bench: ${reason}; starting a private D-Bus session with its own gnome-keyring`);
  const keyringHome = mkdtempSync(join(tmpdir(), 'mcpkey-bench-keyring-'));
  const script = 'eval "$(printf %s bench-password | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; exec "$0" "$1"';
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', script, process.execPath, SELF], {
    cwd: ROOT,
    env: { ...process.env, HOME: keyringHome, XDG_DATA_HOME: join(keyringHome, 'data'), [OWN_KEYRING]: '1' },
    stdio: ['inherit', 'inherit', 'pipe'],
  });
  // The same harmless warning scripts/test.sh filters out.
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    const kept = chunk
      .split('\n')
      .filter((line) => !line.includes('Failed to set fd limit'))
      .join('\n');
    if (kept.trim() !== '') process.stderr.write(kept);
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

  const service = `mcpkey-bench-${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'mcpkey-bench-'));
  // Only what the CLI needs: none of the caller's mcpkey settings or server keys.
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    MCPKEY_HOME: join(dir, 'mcpkey'),
    MCPKEY_KEYCHAIN_SERVICE: service,
    NO_COLOR: '1',
    ...(process.env.LANG ? { LANG: process.env.LANG } : {}),
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
  };
  const mcpkey = (args, input) => run(process.execPath, [BIN, ...args], { env, cwd: dir, input });

  let stored = 0;
  let peers;
  const cleanup = async () => {
    if (stored === 0) return;
    if (has('secret-tool')) {
      await run('secret-tool', ['clear', 'service', service], { env: process.env });
    }
    // Whatever secret-tool did not remove (or without secret-tool at all).
    const left = await mcpkey(['secret', 'list', '--json']);
    const names = left.code === 0 ? JSON.parse(left.stdout).secrets.filter((s) => s.sources.includes('keychain')).map((s) => s.name) : [];
    for (const name of names) await mcpkey(['secret', 'delete', name]);
    stored = 0;
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
    stored = 1;
    for (let i = 2; i <= SECRET_COUNT; i += 1) {
      const result = await mcpkey(['secret', 'set', `bench.key_${i}`], `bench-value-${i}-${randomBytes(8).toString('hex')}`);
      if (result.code !== 0) throw new Error(`mcpkey secret set bench.key_${i} failed: ${result.stderr.trim()}`);
      stored = i;
    }
    const listed = await mcpkey(['secret', 'list', '--json']);
    const inKeychain = JSON.parse(listed.stdout).secrets.filter((s) => s.server === 'bench' && s.sources.includes('keychain')).length;
    if (inKeychain !== SECRET_COUNT) throw new Error(`expected ${SECRET_COUNT} bench secrets in the keychain, secret list shows ${inKeychain}`);

    // Two local MCP servers, one per era, for the cost of negotiation: the first call probes, a repeat uses the cached verdict.
    peers = await startBenchPeers();
    for (const [name, peer] of [['modern', peers.modern], ['legacy', peers.legacy]]) {
      const added = await mcpkey(['server', 'add', `bench-${name}`, '--url', peer.url, '--no-auth']);
      if (added.code !== 0) throw new Error(`server add bench-${name}: ${added.stderr.trim()}`);
    }
    const forgetEras = () => rmSync(join(env.MCPKEY_HOME, 'protocol-cache.json'), { force: true });
    const listsEcho = (out) => out.includes('echo');

    const cases = [
      { label: 'node -e 0', args: ['-e', '0'], check: () => true },
      { label: 'mcpkey --version', args: [BIN, '--version'], check: (out) => /^\d+\.\d+\.\d+/.test(out) },
      { label: 'mcpkey --help', args: [BIN, '--help'], check: (out) => out.includes('Usage: mcpkey') },
      { label: 'mcpkey __complete server inspect neo', args: [BIN, '__complete', 'server', 'inspect', 'neo'], check: (out) => out.startsWith('neon\t') },
      { label: "mcpkey __complete secret get ''", args: [BIN, '__complete', 'secret', 'get', ''], check: (out) => out.includes('bench.key_50') },
      { label: `mcpkey secret list (${SECRET_COUNT} in keychain)`, args: [BIN, 'secret', 'list'], check: (out) => out.includes('bench.key_50') },
      { label: 'tools list, 2026-07-28 server, first call', args: [BIN, 'tools', 'list', 'bench-modern'], before: forgetEras, check: listsEcho },
      { label: 'tools list, 2026-07-28 server, repeat', args: [BIN, 'tools', 'list', 'bench-modern'], check: listsEcho },
      { label: 'tools list, 2025-11-25 server, first call', args: [BIN, 'tools', 'list', 'bench-legacy'], before: forgetEras, check: listsEcho },
      { label: 'tools list, 2025-11-25 server, repeat', args: [BIN, 'tools', 'list', 'bench-legacy'], check: listsEcho },
    ];
    // One untimed round: warms the disk cache, and proves each command does what its label says.
    for (const item of cases) {
      item.before?.();
      const result = await run(process.execPath, item.args, { env, cwd: dir });
      if (result.code !== 0 || !item.check(result.stdout)) {
        throw new Error(`${item.label}: exit ${result.code}, unexpected output:\n${result.stdout}${result.stderr}`);
      }
      item.times = [];
    }
    // Interleaved: every round runs each command once, starting at a different one each time.
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let k = 0; k < cases.length; k += 1) {
        const item = cases[(round + k) % cases.length];
        item.before?.();
        // A repeat is timed after its server's verdict is cached, whatever ran just before it.
        if (item.label.endsWith('repeat')) await run(process.execPath, item.args, { env, cwd: dir });
        const result = await run(process.execPath, item.args, { env, cwd: dir });
        if (result.code !== 0) throw new Error(`${item.label}: exit ${result.code} in round ${round + 1}: ${result.stderr.trim()}`);
        item.times.push(result.ms);
      }
    }

    const cpuList = cpus();
    console.log(`node ${process.version} on ${process.platform}-${process.arch}, ${availableParallelism()} CPUs (${cpuList[0]?.model?.trim() ?? 'unknown'})`);
    console.log(`${ROUNDS} interleaved rounds, wall time per process (spawn to exit)\n`);
    const baseline = median([...cases[0].times].sort((a, b) => a - b));
    const rows = cases.map((item) => {
      const sorted = [...item.times].sort((a, b) => a - b);
      const med = median(sorted);
      return [item.label, med.toFixed(1), percentile(sorted, 90).toFixed(1), `${(med / baseline).toFixed(2)}x`];
    });
    const header = ['command', 'median ms', 'p90 ms', 'vs node -e 0'];
    const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => row[col].length)));
    const format = (row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
    console.log(format(header));
    console.log(widths.map((width) => '-'.repeat(width)).join('  '));
    for (const row of rows) console.log(format(row));

    const loadN = Number(process.env.BENCH_LOAD_N ?? 100);
    console.log(`\n${await oauthLoad(loadN)}`);
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
