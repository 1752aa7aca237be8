import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, requireSecretService, ROOT, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');
const CANARY = 'canary-run-5e1f-secret';

const sandbox = useSandbox();

/** An MCP client that starts `mcpkey run NAME` over stdio, as Claude Desktop or Cursor would. */
async function clientFor(name: string, env: Record<string, string> = {}): Promise<{ client: Client; stderr: () => string }> {
  let stderr = '';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'run', name],
    env: { ...(sandbox.baseEnv() as Record<string, string>), ...env },
    cwd: sandbox.cwd,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'test-client', version: '1' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

function text(result: Record<string, unknown>): string {
  return (result.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
}

describe('mcpkey run, stdio servers', () => {
  beforeEach(async () => {
    expect((await sandbox.run(['server', 'add', 'envtest', '--secret', 'api_key:ENVTEST_API_KEY', '--env', 'PLAIN=visible', '--', process.execPath, ENV_SERVER])).code).toBe(0);
    expect((await sandbox.run(['secret', 'set', 'envtest.api_key'], { input: CANARY })).code).toBe(0);
  });

  it('passes the secret in the environment, never in argv or in anything mcpkey prints', async () => {
    const { client, stderr } = await clientFor('envtest');
    try {
      expect(text(await client.callTool({ name: 'env', arguments: { name: 'ENVTEST_API_KEY' } }))).toBe(CANARY);
      expect(text(await client.callTool({ name: 'env', arguments: { name: 'PLAIN' } }))).toBe('visible');
      const argv = JSON.parse(text(await client.callTool({ name: 'argv', arguments: {} }))) as string[];
      expect(argv).toEqual([process.execPath, ENV_SERVER]);
      expect(argv.join(' ')).not.toContain(CANARY);
    } finally {
      await client.close();
    }
    expect(stderr()).not.toContain(CANARY);
  });

  it('puts a secret on the command line only where the entry says ${VAR}', async () => {
    await sandbox.run(['server', 'add', 'argtest', '--secret', 'key:ARG_KEY', '--', process.execPath, ENV_SERVER, '--key=${ARG_KEY}']);
    await sandbox.run(['secret', 'set', 'argtest.key'], { input: 'arg-value' });
    const { client } = await clientFor('argtest');
    try {
      const argv = JSON.parse(text(await client.callTool({ name: 'argv', arguments: {} }))) as string[];
      expect(argv.at(-1)).toBe('--key=arg-value');
    } finally {
      await client.close();
    }
  });

  it('fails before starting anything when a secret is missing: exit 4 and the command to run', async () => {
    await sandbox.run(['server', 'add', 'needy', '--secret', 'token', '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(join(sandbox.dir, 'started'))}, 'x')`]);
    const result = await sandbox.run(['run', 'needy']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('`mcpkey secret set needy.token`');
    await expect(readFile(join(sandbox.dir, 'started'))).rejects.toThrow(/ENOENT/);
  });

  it('propagates the exit code, and 128+n when the server dies of a signal', async () => {
    expect((await sandbox.run(['run', 'envtest', '--', process.execPath, '-e', 'process.exit(7)'])).code).toBe(7);
    expect((await sandbox.run(['run', 'envtest', '--', process.execPath, '-e', 'process.kill(process.pid, "SIGKILL")'])).code).toBe(137);
    const missing = await sandbox.run(['run', 'envtest', '--', 'no-such-command-xyz']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/cannot start no-such-command-xyz: command not found/);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('forwards %s to the server and exits with its code', async (signal) => {
    const marker = join(sandbox.dir, 'signal');
    const script = `process.on(${JSON.stringify(signal)}, () => { require('fs').writeFileSync(${JSON.stringify(marker)}, ${JSON.stringify(signal)}); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, [BIN, 'run', 'envtest', '--', process.execPath, '-e', script], { cwd: sandbox.cwd, env: sandbox.baseEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(42);
    expect(await readFile(marker, 'utf8')).toBe(signal);
  });
});

describe('mcpkey tools, stdio server', () => {
  beforeEach(async () => {
    await sandbox.run(['server', 'add', 'envtest', '--secret', 'api_key:ENVTEST_API_KEY', '--', process.execPath, ENV_SERVER]);
    await sandbox.run(['secret', 'set', 'envtest.api_key'], { input: CANARY });
  });

  it('lists tools with their arguments', async () => {
    const result = await sandbox.run(['tools', 'list', 'envtest', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.tools.map((tool: { name: string }) => tool.name)).toEqual(['env', 'argv', 'echo', 'fail']);
    expect(data.tools[2]).toEqual({
      name: 'echo',
      description: 'Returns its text',
      arguments: [
        { name: 'text', type: 'string', required: true },
        { name: 'times', type: 'integer', required: false },
      ],
      // The server's schema, verbatim.
      inputSchema: { type: 'object', properties: { text: { type: 'string' }, times: { type: 'integer' } }, required: ['text'] },
    });
    expect(data.protocol).toBe('2025-11-25');
    const plain = await sandbox.run(['tools', 'list', 'envtest']);
    expect(plain.stdout).toContain('echo text [times]');
  });

  it('calls a tool, typing --arg after the schema; --json prints the raw result', async () => {
    const result = await sandbox.run(['tools', 'call', 'envtest', 'echo', '--arg', 'text=ab', '--arg', 'times=3']);
    expect(result).toMatchObject({ code: 0, stdout: 'ababab\n' });
    const json = await sandbox.run(['tools', 'call', 'envtest', 'echo', '--json-args', '{"text":"x"}', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ tool: 'echo', isError: false, content: [{ type: 'text', text: 'x' }] });
  });

  it('a tool error has its own exit code; bad arguments are usage errors', async () => {
    const failed = await sandbox.run(['tools', 'call', 'envtest', 'fail']);
    expect(failed.code).toBe(8);
    expect(failed.stdout).toBe('this tool always fails\n');
    expect(failed.stderr).toMatch(/the tool fail reported an error/);
    expect((await sandbox.run(['tools', 'call', 'envtest', 'echo', '--arg', 'times=lots', '--arg', 'text=a'])).code).toBe(2);
    expect((await sandbox.run(['tools', 'call', 'envtest', 'echo', '--json-args', '{oops'])).code).toBe(2);
    expect((await sandbox.run(['tools', 'call', 'envtest', 'nope'])).code).toBe(3);
  });

  it('server inspect --tools shows the tools', async () => {
    const result = await sandbox.run(['server', 'inspect', 'envtest', '--tools', '--json']);
    expect(JSON.parse(result.stdout).tools.map((tool: { name: string }) => tool.name)).toEqual(['env', 'argv', 'echo', 'fail']);
  });
});
