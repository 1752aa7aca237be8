/**
 * Two tiny MCP servers on 127.0.0.1 for `npm run bench`: one of revision 2026-07-28 only (SDK v2,
 * stateless) and one of 2025-11-25 (SDK v1, stateless Streamable HTTP). Each offers one tool.
 */
import { createServer } from 'node:http';

async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}/mcp`;
}

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve(body));
  });
}

async function modernPeer() {
  const { createMcpHandler, McpServer, fromJsonSchema } = await import('@modelcontextprotocol/server');
  const handler = createMcpHandler(
    () => {
      const server = new McpServer({ name: 'bench-2026', version: '1.0.0' });
      server.registerTool('echo', { description: 'Echo', inputSchema: fromJsonSchema({ type: 'object', properties: { text: { type: 'string' } } }) }, async (args) => ({ content: [{ type: 'text', text: String(args.text ?? '') }] }));
      return server;
    },
    { legacy: 'reject' },
  );
  const http = createServer(async (req, res) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const response = await handler.fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers, ...(body !== undefined ? { body } : {}) }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return { url: await listen(http), close: () => http.close() };
}

async function legacyPeer() {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const http = createServer(async (req, res) => {
    const server = new McpServer({ name: 'bench-2025', version: '1.0.0' });
    server.registerTool('echo', { description: 'Echo' }, async () => ({ content: [{ type: 'text', text: 'echo' }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close());
    await server.connect(transport);
    const body = req.method === 'POST' ? JSON.parse(await readBody(req)) : undefined;
    await transport.handleRequest(req, res, body);
  });
  return { url: await listen(http), close: () => http.close() };
}

export async function startBenchPeers() {
  const [modern, legacy] = await Promise.all([modernPeer(), legacyPeer()]);
  return { modern, legacy, close: () => (modern.close(), legacy.close()) };
}
