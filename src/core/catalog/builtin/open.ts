import type { CatalogEntry } from '../types.js';
import { npx, remote, secret, uvx } from './helpers.js';

/** Entries that run without any credential (optional keys may still raise limits). */
export const OPEN_ENTRIES: readonly CatalogEntry[] = [
  // facts A (MS src/fetch): Python only, `uvx mcp-server-fetch`.
  {
    name: 'fetch',
    title: 'Fetch',
    description: 'Fetches a web page and returns it as Markdown (Python server, run with uv).',
    transport: uvx('mcp-server-fetch'),
    secrets: [],
  },
  // facts A (MS src/filesystem): allowed directories as arguments, or MCP roots.
  {
    name: 'filesystem',
    title: 'Filesystem',
    description:
      'Reads and writes files inside allowed directories, given as extra arguments or by the client through MCP roots.',
    transport: npx('@modelcontextprotocol/server-filesystem'),
    secrets: [],
  },
  // facts A (MS src/sequentialthinking).
  {
    name: 'sequential-thinking',
    title: 'Sequential Thinking',
    description: 'A tool for step-by-step, revisable reasoning.',
    transport: npx('@modelcontextprotocol/server-sequential-thinking'),
    secrets: [],
  },
  // facts A (MS src/time): Python only.
  {
    name: 'time',
    title: 'Time',
    description: 'Current time and conversions between time zones (Python server, run with uv).',
    transport: uvx('mcp-server-time'),
    secrets: [],
  },
  // facts A (MS src/memory index.ts L16: MEMORY_FILE_PATH).
  {
    name: 'memory',
    title: 'Memory',
    description: 'A persistent knowledge graph kept in a JSONL file (MEMORY_FILE_PATH chooses the file).',
    transport: npx('@modelcontextprotocol/server-memory'),
    secrets: [],
  },
  // facts A (MS src/git): Python only.
  {
    name: 'git',
    title: 'Git',
    description: 'Reads and changes local git repositories (Python server, run with uv).',
    transport: uvx('mcp-server-git'),
    secrets: [],
  },
  // facts A (MS src/everything README L120-135).
  {
    name: 'everything',
    title: 'Everything',
    description: 'The MCP reference test server: exercises every protocol feature, does no useful work.',
    transport: npx('@modelcontextprotocol/server-everything'),
    secrets: [],
  },
  // facts D (microsoft/playwright-mcp README).
  {
    name: 'playwright',
    title: 'Playwright',
    description: 'Browser automation through Playwright.',
    transport: npx('@playwright/mcp@latest'),
    secrets: [],
  },
  // facts D (ChromeDevTools/chrome-devtools-mcp README L76-77).
  {
    name: 'chrome-devtools',
    title: 'Chrome DevTools',
    description: 'Debugs and profiles pages in Chrome through the DevTools protocol.',
    transport: npx('chrome-devtools-mcp@latest'),
    secrets: [],
  },
  // facts D (upstash/context7 packages/mcp/src/index.ts L557; DMR context7.api_key, not required).
  {
    name: 'context7',
    title: 'Context7',
    description: 'Current documentation for libraries and frameworks; an API key raises the rate limits.',
    transport: npx('@upstash/context7-mcp'),
    secrets: [secret('context7.api_key', 'CONTEXT7_API_KEY', 'Context7 API key (optional)', { optional: true })],
  },
  // facts 2026-12 (DMR context7 remote; upstash/context7 README L59). The optional key header is left
  // out: an unset optional secret cannot be dropped from a header template; the local entry takes the key.
  {
    name: 'context7-remote',
    title: 'Context7 (remote)',
    description: "Context7's hosted server, used without a key (the local context7 entry takes an optional key).",
    transport: remote('https://mcp.context7.com/mcp'),
    secrets: [],
    oauth: false,
  },
  // facts C (cloudflare/mcp-server-cloudflare README: docs "does not require OAuth").
  {
    name: 'cloudflare-docs',
    title: 'Cloudflare Docs',
    description: "Searches Cloudflare's documentation (remote, no sign-in).",
    transport: remote('https://docs.mcp.cloudflare.com/mcp'),
    secrets: [],
    oauth: false,
  },
  // facts 2026-12 (DMR microsoft-learn): no authorization.
  {
    name: 'microsoft-learn',
    title: 'Microsoft Learn',
    description: "Searches and reads Microsoft's documentation (remote, no sign-in).",
    transport: remote('https://learn.microsoft.com/api/mcp'),
    secrets: [],
    oauth: false,
  },
  // facts 2026-12 (DMR hugging-face has no oauth or secrets; hf-mcp-server README L30-38). Anonymous
  // use; signing in (`?login`, or an HF token as Bearer) is left to a user entry, its DCR being unverified.
  {
    name: 'huggingface',
    title: 'Hugging Face',
    description: "Hugging Face's hosted server for the Hub, used anonymously.",
    transport: remote('https://huggingface.co/mcp'),
    secrets: [],
    oauth: false,
  },
  // facts 2026-12 (netlify/netlify-mcp README L106-109, dist): the token is optional; without it the
  // server uses the Netlify CLI's login. 9 tools listed with and without it.
  {
    name: 'netlify',
    title: 'Netlify',
    description: 'Netlify sites, deploys and projects; without a token it uses the Netlify CLI login.',
    transport: npx('@netlify/mcp'),
    secrets: [
      secret('netlify.personal_access_token', 'NETLIFY_PERSONAL_ACCESS_TOKEN', 'Netlify personal access token (optional)', {
        optional: true,
      }),
    ],
  },
  // facts 2026-12 (package process.env.EXA_API_KEY; DMR exa.api_key): lists 2 tools without a key.
  {
    name: 'exa',
    title: 'Exa',
    description: 'Web search through Exa; runs without a key (with fewer tools).',
    transport: npx('exa-mcp-server'),
    secrets: [secret('exa.api_key', 'EXA_API_KEY', 'Exa API key (optional)', { optional: true })],
  },
];
