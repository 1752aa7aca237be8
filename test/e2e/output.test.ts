import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bigText, startModernMcpServer, type ModernMcpServer } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
let server: ModernMcpServer;

beforeAll(async () => {
  server = await startModernMcpServer({});
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  expect((await sandbox.run(['server', 'add', 'big', '--url', server.url, '--no-auth'])).code).toBe(0);
});

describe('output to a pipe', () => {
  it('is complete however large: 3 MiB of tool output arrives byte for byte', async () => {
    const bytes = 3 * 1024 * 1024;
    const result = await sandbox.run(['tools', 'call', 'big', 'big', '--arg', `bytes=${bytes}`], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    // printCall adds one newline after the text.
    expect(result.stdout.length).toBe(bytes + 1);
    expect(result.stdout).toBe(`${bigText(bytes)}\n`);
  });

  it('is complete in --json too', async () => {
    const bytes = 1024 * 1024;
    const result = await sandbox.run(['tools', 'call', 'big', 'big', '--arg', `bytes=${bytes}`, '--json'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).content[0].text).toBe(bigText(bytes));
  });
});
