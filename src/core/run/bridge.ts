import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Fetch } from '../oauth/discovery.js';

export interface BridgeOptions {
  url: string;
  transport: 'streamable-http' | 'sse';
  fetch: Fetch;
  stdin: Readable;
  stdout: Writable;
  /** Diagnostics: stderr only, stdout is the protocol channel. */
  log: (message: string) => void;
}

function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: string | number; method: string } {
  return 'method' in message && 'id' in message;
}

/**
 * A transparent stdio ↔ HTTP pipe for MCP clients that only speak stdio: every JSON-RPC message read
 * on stdin goes to the remote server, every message from it goes to stdout. A request that cannot be
 * delivered is answered with a JSON-RPC error, so the client is never left waiting.
 */
export async function runBridge(options: BridgeOptions): Promise<number> {
  const [{ StdioServerTransport }, { StreamableHTTPClientTransport }, { SSEClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
  ]);
  const url = new URL(options.url);
  const remote =
    options.transport === 'sse'
      ? new SSEClientTransport(url, { fetch: options.fetch })
      : new StreamableHTTPClientTransport(url, { fetch: options.fetch });
  const local = new StdioServerTransport(options.stdin, options.stdout);
  const initializeIds = new Set<string | number>();

  return new Promise<number>((resolve) => {
    let closing = false;
    const shutdown = async (code: number) => {
      if (closing) return;
      closing = true;
      if (remote instanceof StreamableHTTPClientTransport) await remote.terminateSession().catch(() => undefined);
      await remote.close().catch(() => undefined);
      await local.close().catch(() => undefined);
      resolve(code);
    };
    remote.onmessage = (message) => {
      // The protocol version agreed at initialize goes on every later HTTP request.
      if ('id' in message && initializeIds.delete(message.id as string | number) && 'result' in message) {
        const version = (message.result as { protocolVersion?: string }).protocolVersion;
        if (version && 'setProtocolVersion' in remote) remote.setProtocolVersion(version);
      }
      void local.send(message).catch((error: Error) => options.log(`cannot write to the client: ${error.message}`));
    };
    remote.onerror = (error) => options.log(`remote: ${error.message}`);
    remote.onclose = () => void shutdown(0);
    local.onmessage = (message) => {
      if (isRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
      remote.send(message).catch((error: Error) => {
        options.log(`${isRequest(message) ? message.method : 'message'} failed: ${error.message}`);
        if (isRequest(message)) {
          void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `mcpkey: ${error.message}` } });
        }
      });
    };
    local.onerror = (error) => options.log(`stdio: ${error.message}`);
    local.onclose = () => void shutdown(0);
    options.stdin.once('end', () => void shutdown(0));
    void remote
      .start()
      .then(() => local.start())
      .catch((error: Error) => {
        options.log(`cannot connect to ${options.url}: ${error.message}`);
        void shutdown(1);
      });
  });
}
