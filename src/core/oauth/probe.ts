import version from '../version.cjs';
import { request, type Fetch } from './metadata.js';
import { tokenChallenge } from './www-authenticate.js';

/** What an unauthenticated request's 401/403 challenge said (RFC 6750 / RFC 9728 parameters). */
export interface ChallengeParams {
  scope?: string;
  error?: string;
  resourceMetadata?: string;
  /** The server offered the DPoP scheme (RFC 9449 §7.1). */
  dpop?: true;
}

export interface ProbeResult {
  /** HTTP status of the probe that was challenged, else of the last one. */
  status: number;
  challenged: boolean;
  challenge: ChallengeParams;
  /** Which request drew the challenge (or was answered last). */
  method: 'tools/list' | 'initialize';
}

/** The parameters of a response's Bearer or DPoP challenge, if it carries one. */
export function challengeOf(response: Response): ChallengeParams {
  const { challenge, dpop } = tokenChallenge(response.headers.get('www-authenticate'));
  return {
    ...(dpop ? { dpop: true as const } : {}),
    ...(challenge?.params.scope ? { scope: challenge.params.scope } : {}),
    ...(challenge?.params.error ? { error: challenge.params.error } : {}),
    ...(challenge?.params.resource_metadata ? { resourceMetadata: challenge.params.resource_metadata } : {}),
  };
}

const STATELESS_VERSION = '2026-07-28';
const STATEFUL_VERSION = '2025-11-25';

/** A 2026-07-28 stateless `tools/list`: a real request, which servers protect even when they let discovery through. */
function toolsListProbe(): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': STATELESS_VERSION,
      'mcp-method': 'tools/list',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': STATELESS_VERSION,
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'mcpkey', version: version() },
        },
      },
    }),
  };
}

/** The stateful lifecycle's first request, for servers of 2025-11-25 and before that challenge only there. */
function initializeProbe(): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': STATEFUL_VERSION },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: STATEFUL_VERSION, capabilities: {}, clientInfo: { name: 'mcpkey', version: version() } },
    }),
  };
}

/**
 * Finds the server's challenge where it is: many servers let `initialize` / `server/discover` through
 * and challenge only real requests, so a stateless `tools/list` goes first; `initialize` only when that
 * was not challenged (an older server may refuse a session-less `tools/list` with 400 before any auth).
 */
export async function probeForChallenge(fetchImpl: Fetch, serverUrl: string, timeoutMs: number): Promise<ProbeResult> {
  let last: ProbeResult | undefined;
  for (const [method, init] of [['tools/list', toolsListProbe()], ['initialize', initializeProbe()]] as const) {
    const response = await request(fetchImpl, serverUrl, init, timeoutMs);
    await response.body?.cancel();
    const challenged = response.status === 401 || response.status === 403;
    last = { status: response.status, challenged, challenge: challenged ? challengeOf(response) : {}, method };
    if (challenged) return last;
  }
  return last!;
}
