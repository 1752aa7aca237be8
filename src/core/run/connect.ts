import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import type { AuthorizedFetchOptions } from '../oauth/fetch.js';
import { openConnection, type McpConnection, type Target } from '../protocol/connection.js';
import type { ElicitationPolicy } from '../protocol/elicitation.js';
import type { ProtocolChoice } from '../protocol/revisions.js';
import type { VerdictStore } from '../protocol/verdicts.js';
import { ExitCode } from '../errors.js';
import { launchSpec } from './launch.js';
import { assertLaunchable } from './launchable.js';
import { remoteFetch } from './remote.js';

export interface ConnectOptions {
  entry: ResolvedEntry;
  secrets: Record<string, string>;
  env: Env;
  cwd: string;
  oauth: Omit<AuthorizedFetchOptions, 'server'>;
  protocol: ProtocolChoice;
  verdicts?: VerdictStore;
  elicitation?: ElicitationPolicy;
  /** The bridge: the server's questions go to the local client (see ConnectionOptions). */
  relayElicitation?: (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
  timeoutMs?: number;
  clientVersion: string;
  /** Show the local server's stderr (it may be noisy). */
  verbose?: boolean;
}

/** Where an entry is reached: a local child with its secrets, or the remote with its credentials. */
export function entryTarget(options: Pick<ConnectOptions, 'entry' | 'secrets' | 'env' | 'cwd' | 'oauth' | 'verbose'>): Target {
  const { entry } = options;
  if (entry.transport.type === 'stdio') {
    const spec = launchSpec(entry, options.secrets, options.env);
    // What the system would refuse (a NUL byte, a value over its limit) is named before the SDK tries.
    assertLaunchable(spec, spec.secretOf, ExitCode.serverFailed);
    return { kind: 'stdio', command: spec.command, args: spec.args, env: spec.env, cwd: options.cwd, stderr: options.verbose ? 'inherit' : 'ignore' };
  }
  return { kind: 'http', url: entry.transport.url, transport: entry.transport.transport, fetch: remoteFetch(entry, options.secrets, options.oauth) };
}

/** An MCP session with the entry, in the era it speaks. */
export function connectEntry(options: ConnectOptions): Promise<McpConnection> {
  return openConnection({
    server: options.entry.name,
    target: entryTarget(options),
    protocol: options.protocol,
    clientVersion: options.clientVersion,
    ...(options.verdicts ? { verdicts: options.verdicts } : {}),
    ...(options.elicitation ? { elicitation: options.elicitation } : {}),
    ...(options.relayElicitation ? { relayElicitation: options.relayElicitation } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}
