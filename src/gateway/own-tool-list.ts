import type { Tool } from '@modelcontextprotocol/client';

/** The gateway's own tools as the client sees them; what they do is in own-tools.ts, loaded on the first call. */
const nameArgument = { type: 'object', properties: { name: { type: 'string', description: 'the server name, as mcp-find lists it' } }, required: ['name'] } as const;

export const OWN_TOOLS: Tool[] = [
  {
    name: 'mcp-find',
    description: 'Search the MCP servers mcpkey knows (names, titles, descriptions): for each, how it authenticates, whether it is enabled and ready, and what is missing.',
    inputSchema: { type: 'object', properties: { query: { type: 'string', description: 'words to look for; empty lists every server' } } },
  },
  {
    name: 'mcp-add',
    description: "Enable a server and make its tools available. If it needs an API key that is not set, says which command the user must run in a terminal (secrets are never taken here). If it needs OAuth, returns a link for the user to sign in; the tools appear when they have.",
    inputSchema: nameArgument,
  },
  { name: 'mcp-remove', description: 'Disable a server: its tools go away, and its OAuth grant is cleared.', inputSchema: nameArgument },
  { name: 'mcp-status', description: 'Every enabled server: running or not, ready, how many tools, the last error.', inputSchema: { type: 'object', properties: {} } },
] as Tool[];

export const DYNAMIC_TOOLS = new Set(['mcp-find', 'mcp-add', 'mcp-remove']);
