import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { CliError, ExitCode } from '../errors.js';
import type { AuthorizedFetchOptions } from '../oauth/fetch.js';
import { launchSpec } from './launch.js';
import { remoteFetch } from './remote.js';

export interface ConnectOptions {
  entry: ResolvedEntry;
  secrets: Record<string, string>;
  env: Env;
  cwd: string;
  oauth: Omit<AuthorizedFetchOptions, 'server'>;
  /** Show the local server's stderr (it may be noisy). */
  verbose?: boolean;
}

/** An initialized MCP client session with the entry: a local child with its secrets, or the remote with its credentials. */
export async function connectEntry(options: ConnectOptions): Promise<Client> {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const client = new Client({ name: 'mcpkey', version: '1' });
  const { entry } = options;
  let transport;
  if (entry.transport.type === 'stdio') {
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const spec = launchSpec(entry, options.secrets, options.env);
    transport = new StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, cwd: options.cwd, stderr: options.verbose ? 'inherit' : 'ignore' });
  } else {
    const fetchImpl = remoteFetch(entry, options.secrets, options.oauth);
    const url = new URL(entry.transport.url);
    if (entry.transport.transport === 'sse') {
      const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
      transport = new SSEClientTransport(url, { fetch: fetchImpl });
    } else {
      const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
      transport = new StreamableHTTPClientTransport(url, { fetch: fetchImpl });
    }
  }
  try {
    await client.connect(transport);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof CliError) throw cause;
    const message = (error as Error).message.split('\n')[0];
    throw new CliError(`cannot connect to ${entry.name}: ${message}`, {
      code: 'connect_failed',
      exitCode: ExitCode.serverFailed,
      hint: entry.transport.type === 'stdio' ? `rerun with --verbose to see the server's own messages` : 'check the URL and your network connection',
    });
  }
  return client;
}
