import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileOAuth, type HostileOAuth } from '../fixtures/hostile-oauth.js';
import { requireSecretService, ROOT, useSandbox } from './helpers.js';
import { INITIALIZE, rawBridge } from './raw-bridge.js';

beforeAll(requireSecretService);

const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');
const REDIRECT_BROWSER = join(ROOT, 'test/fixtures/redirect-browser.mjs');

/** A value no message could contain by chance. */
const CANARY = `cnry${randomBytes(12).toString('hex')}`;
/** Any 8 characters of it in a row count as a leak ("about 10 characters of a nearby token"). */
const WINDOWS = Array.from({ length: CANARY.length - 7 }, (_, i) => CANARY.slice(i, i + 8));

const sandbox = useSandbox();
let peer: HostileOAuth;
beforeAll(async () => {
  peer = await startHostileOAuth({ accessToken: `${CANARY}\nX-Injected: 1` });
});
afterAll(async () => {
  await peer?.close();
});

describe('no byte of a secret in any message', () => {
  it('canary values driven through every error path that can reach them, every output scanned', async () => {
    const run = sandbox.run.bind(sandbox);
    const failed = async (args: string[], options: Parameters<typeof run>[1] = {}) => {
      const result = await run(args, options);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).not.toBe(0);
      expect(result.stderr, args.join(' ')).not.toMatch(/this is a bug/);
      return result;
    };

    // Values typed in the wrong place: commander's own errors, and mcpkey's usage errors.
    await failed(['secret', 'set', 'a.b', `--value=${CANARY}`]);
    await failed(['secret', 'set', 'a.b', `-x${CANARY}`]);
    await failed(['secret', 'set', `a b=${CANARY}`]);
    await failed(['server', 'add', 'h', '--url', 'https://mcp.example/mcp', '--header', `Authorization Bearer ${CANARY}`]);
    await failed(['server', 'add', 'h', '--url', 'https://mcp.example/mcp', '--header', `X Api Key: ${CANARY}`]);
    await failed(['server', 'add', 'h', '--url', 'https://mcp.example/mcp', '--header', `X-Api-Key: ${CANARY}`]);
    await failed(['server', 'add', 'h', '--env', `1X=${CANARY}`, '--', 'cmd']);
    await failed(['server', 'add', 'h', '--env', CANARY, '--', 'cmd']);
    await failed(['server', 'add', 'h', '--secret', `key:${CANARY}-x`, '--', 'cmd']);
    await failed(['server', 'add', 'h', '--url', `http://mcp.example/mcp?api_key=${CANARY}`]);
    await failed(['server', 'add', 'h', '--url', `${CANARY} not a url`]);
    await failed(['server', 'add', 'h', '--url', 'https://mcp.example/mcp', '--transport', CANARY]);
    await failed(['client', 'config', CANARY]);

    // Values that cannot be stored: never quoted in the refusal.
    await failed(['secret', 'set', 'a.b'], { input: Buffer.concat([Buffer.from(CANARY), Buffer.from([0xff])]) });
    await failed(['secret', 'set', 'a.b'], { input: `${CANARY}\0` });
    await failed(['secret', 'set', 'a.b'], { input: CANARY.repeat(4000) });
    await failed(['oauth', 'authorize', 'linear', '--client-id', 'pre', '--client-secret-stdin'], { input: `${CANARY}\0` });

    // A local server: a value with a NUL byte, and one over the system's limit (Node's spawn errors quote values).
    expect((await run(['server', 'add', 'acme', '--secret', 'token', '--secret', 'big', '--', process.execPath, ENV_SERVER])).code).toBe(0);
    const envFile = join(sandbox.cwd, '.env.mcp');
    await writeFile(envFile, `ACME_TOKEN="${CANARY}\0tail"\nACME_BIG=small\n`);
    await failed(['run', 'acme']);
    await failed(['tools', 'list', 'acme']);
    await failed(['tools', 'list', 'acme', '--json']);
    await writeFile(envFile, `ACME_TOKEN=${CANARY}\nACME_BIG=${CANARY.repeat(8000)}\n`);
    await failed(['run', 'acme']);
    await failed(['tools', 'list', 'acme', '--json']);
    // With good values, what a tool call is given on its command line (--arg, --json-args, --input).
    await writeFile(envFile, `ACME_TOKEN=${CANARY}\nACME_BIG=small\n`);
    await failed(['tools', 'call', 'acme', 'echo', '--arg', CANARY]);
    await failed(['tools', 'call', 'acme', 'echo', '--json-args', `{"text": "${CANARY}" oops}`]);
    await failed(['tools', 'call', 'acme', 'echo', '--json-args', `{"text": "${CANARY}" oops}`, '--json']);
    await failed(['tools', 'call', 'acme', 'echo', '--input', CANARY]);
    await rm(envFile);

    // A remote server's header template, filled with a value holding a line break (Headers.set quotes it).
    expect((await run(['server', 'add', 'hdr', '--url', 'http://127.0.0.1:9/mcp', '--secret', 'token:HDR_TOKEN'])).code).toBe(0);
    const env = { HDR_TOKEN: `${CANARY}\nX-Injected: 1` };
    await failed(['tools', 'list', 'hdr'], { env });
    await failed(['tools', 'list', 'hdr', '--json'], { env });
    const hdr = rawBridge(sandbox, ['hdr'], env);
    hdr.send(INITIALIZE);
    expect(await hdr.response(0)).toHaveProperty('error');
    await hdr.close();
    sandbox.transcript.push({ args: ['run', 'hdr'], stdout: hdr.stdout(), stderr: hdr.stderr() });

    // An access token with a line break, from a hostile authorization server.
    expect((await run(['server', 'add', 'evil', '--url', peer.url])).code).toBe(0);
    expect((await run(['oauth', 'authorize', 'evil'], { env: { BROWSER: REDIRECT_BROWSER }, timeoutMs: 90_000 })).code).toBe(0);
    await failed(['tools', 'list', 'evil']);
    await failed(['tools', 'list', 'evil', '--json']);
    // The bridge answers the client's request with the failure, and logs it on stderr.
    const bridge = rawBridge(sandbox, ['evil']);
    bridge.send(INITIALIZE);
    expect(await bridge.response(0)).toHaveProperty('error');
    await bridge.close();
    sandbox.transcript.push({ args: ['run', 'evil'], stdout: bridge.stdout(), stderr: bridge.stderr() });

    // Files that do not parse: a token next to the fault, with terminal escapes around it.
    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    const config = join(sandbox.mcpkeyHome, 'config.json');
    // V8 quotes about ten characters either side of the fault, raw: the token, and the escapes after it.
    await writeFile(config, `{"version": 1, "clientMetadataUrl": "https://x.example/${CANARY}"\u001b]0;t\u0007}`);
    for (const args of [['server', 'list'], ['server', 'list', '--json'], ['server', 'enable', 'memory']]) {
      const result = await failed(args);
      expect(result.stderr, args.join(' ')).not.toMatch(/[\u001b\u0007]/);
    }
    await writeFile(config, `{"version": "${CANARY}\\u001b[2J"}`);
    await failed(['server', 'list']);
    await rm(config);
    await writeFile(join(sandbox.cwd, '.mcp.json'), `{"mcpServers": {"mine": {"env": {"TOKEN": "${CANARY}"}}}\u0007 ,}`);
    for (const args of [['client', 'config', 'claude-code', 'memory', '--write'], ['client', 'config', 'claude-code', 'memory', '--write', '--json']]) {
      const result = await failed(args);
      expect(result.stderr, args.join(' ')).not.toMatch(/[\u001b\u0007]/);
    }

    expect(sandbox.transcript.length).toBeGreaterThan(35);
    for (const { args, stdout, stderr } of sandbox.transcript) {
      for (const window of WINDOWS) {
        expect(stdout, `stdout of mcpkey ${args.join(' ').slice(0, 120)}`).not.toContain(window);
        expect(stderr, `stderr of mcpkey ${args.join(' ').slice(0, 120)}`).not.toContain(window);
      }
    }
  }, 240_000);
});
