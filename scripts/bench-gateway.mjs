#!/usr/bin/env node
/**
 * The gateway's two speed targets (issue 11), for `npm run bench` or on their own
 * (`node scripts/bench-gateway.mjs`, after `npm run build`, with a Secret Service on the session bus):
 *
 *  - a tool call through `mcpkey gateway` to a local server it already runs, against the same call
 *    made directly to that server (the same stdio server, the same SDK client): BENCH_GATEWAY_CALLS
 *    calls each (default 200), interleaved in blocks of 20; median, p95 and their ratio (target ≤ 1.2×).
 *    A third row relays the same server through a process that only copies bytes (bench-relay.mjs):
 *    the cost of any extra process hop, which no gateway can go below;
 *  - the gateway's start with 10 enabled servers, none started (their tools come from the cache),
 *    up to its answer to `tools/list`, against `mcpkey --version` (target < 2×), BENCH_ROUNDS each.
 *
 * It only prints timings; it asserts nothing about them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/mcpkey.js');
const SERVER = join(ROOT, 'test/fixtures/gateway/stdio-server.mjs');
const RELAY = join(ROOT, 'scripts/bench-relay.mjs');
const BLOCK = 20;
const SLEEP_MS = 2;

const sorted = (values) => [...values].sort((a, b) => a - b);
const median = (values) => {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const p95 = (values) => {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};
const now = () => Number(process.hrtime.bigint()) / 1e6;

function exec(args, env, cwd) {
  return new Promise((resolvePromise, reject) => {
    const started = now();
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(now() - started) : reject(new Error(`mcpkey ${args.join(' ')}: exit ${code}: ${stderr.trim()}`))));
  });
}

/** An SDK client on a stdio command; `call` times one tools/call. */
async function stdioClient(command, args, env, cwd) {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env, cwd, stderr: 'ignore' }), { timeout: 120_000 });
  return {
    call: async (name, args = {}) => {
      const started = now();
      const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
      if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
      return now() - started;
    },
    close: () => client.close(),
  };
}

/** Spawns `mcpkey gateway`, and times it from spawn to its answer to `tools/list` (after initialize). */
function gatewayStart(env, cwd) {
  return new Promise((resolvePromise, reject) => {
    const started = now();
    const child = spawn(process.execPath, [BIN, 'gateway'], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let tools = 0;
    let elapsed;
    child.stderr.resume();
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const message = JSON.parse(out.slice(0, nl));
        out = out.slice(nl + 1);
        if (message.id === 2 && elapsed === undefined) {
          elapsed = now() - started;
          tools = message.result?.tools?.length ?? 0;
          child.stdin.end();
        }
      }
    });
    child.on('error', reject);
    child.on('close', () => (elapsed === undefined ? reject(new Error('the gateway did not answer tools/list')) : resolvePromise({ ms: elapsed, tools })));
    const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/list' });
  });
}

/** The gateway rows, as lines to print. `env` is an mcpkey environment with a keychain (HOME, MCPKEY_HOME, …). */
export async function gatewayBench({ env, cwd, rounds = 15, calls = Number(process.env.BENCH_GATEWAY_CALLS ?? 200) }) {
  const lines = [];
  const mcpkey = (args) => exec(args, env, cwd);
  // 10 local servers, enabled; a first gateway start lists each once and caches its tools.
  for (let i = 0; i < 10; i += 1) {
    await mcpkey(['server', 'add', `bench-gw-${i}`, '--', process.execPath, SERVER, `bench-gw-${i}`]);
    await mcpkey(['server', 'enable', `bench-gw-${i}`]);
  }
  const warm = await gatewayStart(env, cwd);
  if (warm.tools < 40) throw new Error(`the gateway listed ${warm.tools} tools, expected 4 for each of 10 servers`);

  // Calls: the same server directly, through a byte relay (the floor of one more process), and
  // through a gateway that already runs it. The same client code, the same tool, interleaved.
  const direct = await stdioClient(process.execPath, [SERVER, 'bench-direct'], env, cwd);
  const relay = await stdioClient(process.execPath, [RELAY, process.execPath, SERVER, 'bench-relay'], env, cwd);
  const gateway = await stdioClient(process.execPath, [BIN, 'gateway', '--servers', 'bench-gw-0', '--idle', '1h'], env, cwd);
  try {
    // The same three peers, once with a tool that does nothing (the overhead alone) and once with one
    // that takes 2 ms in the server (SLEEP_MS), as a real tool does at the least.
    const measure = async (tool, args) => {
      const peers = [
        { peer: direct, tool, samples: [] },
        { peer: relay, tool, samples: [] },
        { peer: gateway, tool: `bench-gw-0__${tool}`, samples: [] },
      ];
      // Warm-up (the gateway's first call starts the server), not measured.
      for (let i = 0; i < BLOCK; i += 1) for (const entry of peers) await entry.peer.call(entry.tool, args);
      for (let done = 0; done < calls; done += BLOCK) {
        const n = Math.min(BLOCK, calls - done);
        for (const entry of peers) for (let i = 0; i < n; i += 1) entry.samples.push(await entry.peer.call(entry.tool, args));
      }
      return peers.map((entry) => entry.samples);
    };
    const row = (label, values) => `${label.padEnd(34)} median ${median(values).toFixed(2).padStart(6)} ms   p95 ${p95(values).toFixed(2).padStart(6)} ms`;
    const ratio = (a, b) => `median ${(median(a) / median(b)).toFixed(2)}x, p95 ${(p95(a) / p95(b)).toFixed(2)}x`;
    for (const [label, tool, args] of [['a tool that does nothing (pid)', 'pid', {}], [`a tool that takes ${SLEEP_MS} ms (sleep)`, 'sleep', { ms: SLEEP_MS }]]) {
      const [d, r, g] = await measure(tool, args);
      lines.push(`tool call, ${calls} each, ${label} (SDK v1 client on stdio, a local stdio server already running):`);
      lines.push(row('  directly to the server', d));
      lines.push(row('  through a byte relay (floor)', r));
      lines.push(row('  through mcpkey gateway', g));
      lines.push(`  ratio gateway/direct: ${ratio(g, d)} (target ≤ 1.2x)`);
      lines.push(`  ratio relay/direct (any extra process): ${ratio(r, d)}; gateway/relay: ${ratio(g, r)}`);
    }
  } finally {
    await Promise.all([direct.close(), relay.close(), gateway.close()]);
  }

  // Start: interleaved with --version.
  const starts = [];
  const versions = [];
  for (let round = 0; round < rounds; round += 1) {
    starts.push((await gatewayStart(env, cwd)).ms);
    versions.push(await mcpkey(['--version']));
  }
  lines.push(`start, ${rounds} rounds: mcpkey gateway with 10 enabled servers, none started, to its tools/list answer (${warm.tools} tools):`);
  lines.push(`  gateway  median ${median(starts).toFixed(1)} ms  p95 ${p95(starts).toFixed(1)} ms;  mcpkey --version  median ${median(versions).toFixed(1)} ms  p95 ${p95(versions).toFixed(1)} ms`);
  lines.push(`  ratio: median ${(median(starts) / median(versions)).toFixed(2)}x (target < 2x)`);
  return lines;
}

// On its own: a private MCPKEY_HOME and keychain service, removed afterwards.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkey-bench-gateway-'));
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    MCPKEY_HOME: join(dir, 'mcpkey'),
    MCPKEY_KEYCHAIN_SERVICE: `mcpkey-bench-gateway-${process.pid}`,
    NO_COLOR: '1',
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
  };
  gatewayBench({ env, cwd: dir, rounds: Number(process.env.BENCH_ROUNDS ?? 15) })
    .then((lines) => console.log(lines.join('\n')))
    .catch((error) => {
      console.error(`bench: ${error.message}`);
      process.exitCode = 1;
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}
