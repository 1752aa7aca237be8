import { spawn } from 'node:child_process';
import { BIN, type Sandbox } from './helpers.js';

/**
 * `mcpkey run NAME` driven line by line, as an MCP client would, with raw JSON-RPC: the tests see
 * exactly what the bridge answers (errors included) and how long it took.
 */
export interface RawBridge {
  send(message: Record<string, unknown>): void;
  /** The response with this id; rejects after `timeoutMs`. */
  response(id: number | string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stderr(): string;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** The exit code once the bridge stops on its own, with stdin still open. */
  exited(): Promise<number | null>;
  /** Ends stdin and waits for the exit code. */
  close(): Promise<number | null>;
}

export function rawBridge(sandbox: Sandbox, args: string[], env: Record<string, string> = {}): RawBridge {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd: sandbox.cwd, env: { ...sandbox.baseEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let all = '';
  let stderr = '';
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
    stdout += chunk;
    for (let nl = stdout.indexOf('\n'); nl >= 0; nl = stdout.indexOf('\n')) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      if (line.trim()) messages.push(JSON.parse(line) as Record<string, unknown>);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    send: (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`),
    response: (id, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response ${id} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const look = () => {
          const found = messages.find((message) => message.id === id && message.method === undefined);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(look);
        };
        look();
      }),
    stderr: () => stderr,
    stdout: () => all,
    exited: () => exited,
    close: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The `initialize` a 2025-era client sends first. */
export const INITIALIZE = { id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-test-client', version: '1' } } };
