import type { CatalogEntry, SecretSpec } from './types.js';

/*
 * The built-in catalog. Every command, package, variable and URL here comes from the servers'
 * own sources (see shared catalog facts); an entry that cannot be checked is left out rather than guessed.
 * Secret names follow Docker's MCP registry where it has one, so users can move over without renaming.
 */

function npx(pkg: string, ...args: string[]): { type: 'stdio'; command: string; args: string[] } {
  return { type: 'stdio', command: 'npx', args: ['-y', pkg, ...args] };
}

function uvx(pkg: string, ...args: string[]): { type: 'stdio'; command: string; args: string[] } {
  return { type: 'stdio', command: 'uvx', args: [pkg, ...args] };
}

function remote(url: string): { type: 'remote'; url: string; transport: 'streamable-http' } {
  return { type: 'remote', url, transport: 'streamable-http' };
}

function secret(name: string, env: string, description: string, extra: Partial<SecretSpec> = {}): SecretSpec {
  return { name, env, description, ...extra };
}

export const BUILTIN_CATALOG: readonly CatalogEntry[] = [
  // ── no credentials ────────────────────────────────────────────────────────────────
  {
    name: 'fetch',
    title: 'Fetch',
    description: 'Fetches a web page and returns it as Markdown (Python server, run with uv).',
    transport: uvx('mcp-server-fetch'),
    secrets: [],
  },
  {
    name: 'filesystem',
    title: 'Filesystem',
    description:
      'Reads and writes files inside allowed directories, given as extra arguments or by the client through MCP roots.',
    transport: npx('@modelcontextprotocol/server-filesystem'),
    secrets: [],
  },
  {
    name: 'sequential-thinking',
    title: 'Sequential Thinking',
    description: 'A tool for step-by-step, revisable reasoning.',
    transport: npx('@modelcontextprotocol/server-sequential-thinking'),
    secrets: [],
  },
  {
    name: 'time',
    title: 'Time',
    description: 'Current time and conversions between time zones (Python server, run with uv).',
    transport: uvx('mcp-server-time'),
    secrets: [],
  },
  {
    name: 'memory',
    title: 'Memory',
    description: 'A persistent knowledge graph kept in a JSONL file (MEMORY_FILE_PATH chooses the file).',
    transport: npx('@modelcontextprotocol/server-memory'),
    secrets: [],
  },
  {
    name: 'git',
    title: 'Git',
    description: 'Reads and changes local git repositories (Python server, run with uv).',
    transport: uvx('mcp-server-git'),
    secrets: [],
  },
  {
    name: 'everything',
    title: 'Everything',
    description: 'The MCP reference test server: exercises every protocol feature, does no useful work.',
    transport: npx('@modelcontextprotocol/server-everything'),
    secrets: [],
  },
  {
    name: 'playwright',
    title: 'Playwright',
    description: 'Browser automation through Playwright.',
    transport: npx('@playwright/mcp@latest'),
    secrets: [],
  },
  {
    name: 'chrome-devtools',
    title: 'Chrome DevTools',
    description: 'Debugs and profiles pages in Chrome through the DevTools protocol.',
    transport: npx('chrome-devtools-mcp@latest'),
    secrets: [],
  },
  {
    name: 'context7',
    title: 'Context7',
    description: 'Current documentation for libraries and frameworks; an API key raises the rate limits.',
    transport: npx('@upstash/context7-mcp'),
    secrets: [secret('context7.api_key', 'CONTEXT7_API_KEY', 'Context7 API key (optional)', { optional: true })],
  },
  {
    name: 'cloudflare-docs',
    title: 'Cloudflare Docs',
    description: "Searches Cloudflare's documentation (remote, no sign-in).",
    transport: remote('https://docs.mcp.cloudflare.com/mcp'),
    secrets: [],
    oauth: false,
  },

  // ── API keys ──────────────────────────────────────────────────────────────────────
  {
    name: 'neon',
    title: 'Neon',
    description: 'Manages Neon Postgres projects and branches and runs SQL. The server takes its key as an argument.',
    transport: npx('@neondatabase/mcp-server-neon', 'start', '${NEON_API_KEY}'),
    secrets: [secret('neon.api_key', 'NEON_API_KEY', 'Neon API key', { url: 'https://console.neon.tech/app/settings/api-keys' })],
  },
  {
    name: 'github',
    title: 'GitHub',
    description: "GitHub's official server for repositories, issues, pull requests and Actions (runs in Docker).",
    transport: {
      type: 'stdio',
      command: 'docker',
      // `-e NAME` without a value makes docker copy the variable from its own environment: the token stays out of argv.
      args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
    },
    secrets: [
      secret('github.personal_access_token', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'GitHub personal access token', {
        url: 'https://github.com/settings/tokens',
      }),
    ],
  },
  {
    name: 'slack',
    title: 'Slack',
    description: 'Reads and posts messages in Slack channels (the maintained fork of the reference server).',
    transport: npx('@zencoderai/slack-mcp-server'),
    secrets: [
      secret('slack.bot_token', 'SLACK_BOT_TOKEN', 'Slack bot token (xoxb-…)', { url: 'https://api.slack.com/apps' }),
      secret('slack.team_id', 'SLACK_TEAM_ID', 'Slack workspace ID (starts with T); not secret, but required'),
      secret('slack.channel_ids', 'SLACK_CHANNEL_IDS', 'Comma-separated channel IDs to limit access to (optional)', {
        optional: true,
      }),
    ],
  },
  {
    name: 'postgres',
    title: 'PostgreSQL',
    description: 'Read-only SQL and schema inspection. The server takes the connection URL as an argument.',
    transport: npx('@modelcontextprotocol/server-postgres', '${POSTGRES_URL}'),
    secrets: [secret('postgres.url', 'POSTGRES_URL', 'Connection URL, postgresql://user:password@host:5432/db')],
  },
  {
    name: 'brave',
    title: 'Brave Search',
    description: 'Web, news, image and video search through the Brave Search API.',
    transport: { ...npx('@brave/brave-search-mcp-server'), env: { BRAVE_MCP_TRANSPORT: 'stdio' } },
    secrets: [secret('brave.api_key', 'BRAVE_API_KEY', 'Brave Search API key', { url: 'https://brave.com/search/api/' })],
  },
  {
    name: 'gitlab',
    title: 'GitLab',
    description: 'Projects, issues and merge requests on gitlab.com (set GITLAB_API_URL in a user entry for self-managed).',
    transport: { ...npx('@modelcontextprotocol/server-gitlab'), env: { GITLAB_API_URL: 'https://gitlab.com/api/v4' } },
    secrets: [
      secret('gitlab.personal_access_token', 'GITLAB_PERSONAL_ACCESS_TOKEN', 'GitLab personal access token', {
        url: 'https://gitlab.com/-/user_settings/personal_access_tokens',
      }),
    ],
  },
  {
    name: 'google-maps',
    title: 'Google Maps',
    description: 'Geocoding, places, directions and distances through the Google Maps APIs.',
    transport: npx('@modelcontextprotocol/server-google-maps'),
    secrets: [
      secret('google-maps.api_key', 'GOOGLE_MAPS_API_KEY', 'Google Maps Platform API key', {
        url: 'https://console.cloud.google.com/google/maps-apis/credentials',
      }),
    ],
  },
  {
    name: 'sentry',
    title: 'Sentry (local)',
    description: 'Sentry issues, events and traces through a user auth token.',
    transport: npx('@sentry/mcp-server@latest'),
    secrets: [secret('sentry.auth_token', 'SENTRY_ACCESS_TOKEN', 'Sentry user auth token')],
  },
  {
    name: 'notion',
    title: 'Notion (local)',
    description: 'The Notion API through a local proxy, with an internal integration token.',
    transport: npx('@notionhq/notion-mcp-server'),
    secrets: [
      secret('notion.internal_integration_token', 'NOTION_TOKEN', 'Notion internal integration token (ntn_…)', {
        url: 'https://www.notion.so/profile/integrations',
      }),
    ],
  },
  {
    name: 'firecrawl',
    title: 'Firecrawl',
    description: 'Scrapes and crawls web sites.',
    transport: npx('firecrawl-mcp'),
    secrets: [secret('firecrawl.api_key', 'FIRECRAWL_API_KEY', 'Firecrawl API key')],
  },
  {
    name: 'tavily',
    title: 'Tavily',
    description: 'Web search and content extraction.',
    transport: npx('tavily-mcp@latest'),
    secrets: [secret('tavily.api_token', 'TAVILY_API_KEY', 'Tavily API key')],
  },
  {
    name: 'mongodb',
    title: 'MongoDB',
    description: 'Queries MongoDB databases, read-only.',
    transport: npx('mongodb-mcp-server@latest', '--readOnly'),
    secrets: [secret('mongodb.connection_string', 'MDB_MCP_CONNECTION_STRING', 'MongoDB connection string')],
  },

  // ── OAuth (remote) ────────────────────────────────────────────────────────────────
  {
    name: 'sentry-remote',
    title: 'Sentry',
    description: "Sentry's hosted server: issues, events, traces and Seer.",
    transport: remote('https://mcp.sentry.dev/mcp'),
    secrets: [],
  },
  {
    name: 'linear',
    title: 'Linear',
    description: 'Issues, projects and comments in Linear.',
    transport: remote('https://mcp.linear.app/mcp'),
    secrets: [],
  },
  {
    name: 'notion-remote',
    title: 'Notion',
    description: "Notion's hosted server: search, read and edit pages and databases.",
    transport: remote('https://mcp.notion.com/mcp'),
    secrets: [],
  },
  {
    name: 'asana',
    title: 'Asana',
    description: "Asana's hosted server (V2): tasks, projects and goals.",
    transport: remote('https://mcp.asana.com/v2/mcp'),
    secrets: [],
    oauth: {
      note: 'Asana does not support dynamic registration: create an MCP app in the Asana developer console and pass its client ID with --client-id',
    },
  },
  {
    name: 'atlassian',
    title: 'Atlassian (Rovo)',
    description: 'Jira and Confluence through Atlassian’s hosted Rovo server.',
    transport: remote('https://mcp.atlassian.com/v1/mcp/authv2'),
    secrets: [],
  },
  {
    name: 'stripe',
    title: 'Stripe',
    description: "Stripe's hosted server: customers, payments, invoices and documentation search.",
    transport: remote('https://mcp.stripe.com'),
    secrets: [],
  },
  {
    name: 'cloudflare',
    title: 'Cloudflare',
    description: 'The whole Cloudflare API through Code Mode, on Cloudflare’s hosted server.',
    transport: remote('https://mcp.cloudflare.com/mcp'),
    secrets: [],
  },
  {
    name: 'github-remote',
    title: 'GitHub (remote)',
    description: "GitHub's hosted server: repositories, issues, pull requests and Actions.",
    transport: remote('https://api.githubcopilot.com/mcp/'),
    secrets: [],
    oauth: {
      note: 'GitHub does not support dynamic registration: register a GitHub OAuth App and pass its client ID with --client-id',
    },
  },
  {
    name: 'gitlab-remote',
    title: 'GitLab (remote)',
    description: "GitLab's hosted server (Premium and Ultimate; beta).",
    transport: remote('https://gitlab.com/api/v4/mcp'),
    secrets: [],
    oauth: { scopes: ['mcp'] },
  },
  {
    name: 'neon-remote',
    title: 'Neon (remote)',
    description: "Neon's hosted server: projects, branches and SQL.",
    transport: remote('https://mcp.neon.tech/mcp'),
    secrets: [],
  },
  {
    name: 'supabase',
    title: 'Supabase',
    description: "Supabase's hosted server: projects, databases, edge functions.",
    transport: remote('https://mcp.supabase.com/mcp'),
    secrets: [],
  },
];
