import type { CatalogEntry } from '../types.js';
import { npx, secret } from './helpers.js';

/** Local servers for developer platforms and databases that need a key (or a connection URL). */
export const LOCAL_DEV_ENTRIES: readonly CatalogEntry[] = [
  // facts B (src/initConfig.ts: the key is argv[3]); facts 2026-12: 0.6.5 needs Node >= 22 and npx on
  // Node 20 silently runs 0.3.7, hence @latest (npx then fails loudly) and `requires`.
  {
    name: 'neon',
    title: 'Neon',
    description:
      'Manages Neon Postgres projects and branches and runs SQL. The server takes its key as an argument; its current release needs Node 22 or newer.',
    transport: npx('@neondatabase/mcp-server-neon@latest', 'start', '${NEON_API_KEY}'),
    secrets: [secret('neon.api_key', 'NEON_API_KEY', 'Neon API key', { url: 'https://console.neon.tech/app/settings/api-keys' })],
    requires: { node: 22 },
  },
  // facts B (cmd/github-mcp-server/main.go L42, L307, L63; DMR github-official).
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
  // facts B (MS-arch src/postgres/index.ts L26-28: URL as argv); facts 2026-12: the read-only transaction
  // is not enforced (dist/index.js L90-91 runs the SQL as given, so `COMMIT; …` escapes it).
  {
    name: 'postgres',
    title: 'PostgreSQL',
    description:
      'SQL and schema inspection (archived reference server). It wraps queries in a read-only transaction but does not enforce it: a query can end that transaction and write, so connect as a read-only database role. The server takes the connection URL as an argument.',
    transport: npx('@modelcontextprotocol/server-postgres', '${POSTGRES_URL}'),
    secrets: [secret('postgres.url', 'POSTGRES_URL', 'Connection URL, postgresql://user:password@host:5432/db')],
  },
  // facts 2026-12: @modelcontextprotocol/server-gitlab sends empty tool schemas; @zereight/mcp-gitlab
  // (npm 2.1.64) reads the same two variables (live: 118 tools, exits without a token).
  {
    name: 'gitlab',
    title: 'GitLab',
    description: 'Projects, issues and merge requests on gitlab.com (set GITLAB_API_URL in a user entry for self-managed).',
    transport: { ...npx('@zereight/mcp-gitlab'), env: { GITLAB_API_URL: 'https://gitlab.com/api/v4' } },
    secrets: [
      secret('gitlab.personal_access_token', 'GITLAB_PERSONAL_ACCESS_TOKEN', 'GitLab personal access token', {
        url: 'https://gitlab.com/-/user_settings/personal_access_tokens',
      }),
    ],
  },
  // facts B (getsentry/sentry-mcp packages/mcp-server/src/cli/parse.ts L81: SENTRY_ACCESS_TOKEN).
  {
    name: 'sentry',
    title: 'Sentry (local)',
    description: 'Sentry issues, events and traces through a user auth token.',
    transport: npx('@sentry/mcp-server@latest'),
    secrets: [secret('sentry.auth_token', 'SENTRY_ACCESS_TOKEN', 'Sentry user auth token')],
  },
  // facts D (mongodb-js README L74-98; envPrefix MDB_MCP_; DMR mongodb.connection_string).
  {
    name: 'mongodb',
    title: 'MongoDB',
    description: 'Queries MongoDB databases, read-only (the server is started with --readOnly).',
    transport: npx('mongodb-mcp-server@latest', '--readOnly'),
    secrets: [secret('mongodb.connection_string', 'MDB_MCP_CONNECTION_STRING', 'MongoDB connection string')],
  },
  // facts C and 2026-12 (supabase-mcp src/transports/stdio.ts L51; npm 0.13.0): the local variant of `supabase`.
  {
    name: 'supabase-local',
    title: 'Supabase (local)',
    description: 'Supabase projects, databases and edge functions through a personal access token (the local variant of supabase).',
    transport: npx('@supabase/mcp-server-supabase@latest'),
    secrets: [secret('supabase-local.access_token', 'SUPABASE_ACCESS_TOKEN', 'Supabase personal access token')],
  },
  // facts 2026-12 (@stripe/mcp 0.3.3 dist/index.js L11, L29: a stdio proxy to https://mcp.stripe.com
  // sending the key as Bearer; DMR stripe.secret_key → STRIPE_SECRET_KEY). The key variant of `stripe`.
  {
    name: 'stripe-local',
    title: 'Stripe (API key)',
    description: "Stripe's hosted server reached with an API key instead of OAuth (a local proxy; needs the network).",
    transport: npx('@stripe/mcp'),
    secrets: [secret('stripe-local.secret_key', 'STRIPE_SECRET_KEY', 'Stripe secret API key')],
  },
  // facts 2026-12 (npm airtable-mcp-server 1.14.0: 16 tools with a dummy key, exits without one).
  {
    name: 'airtable',
    title: 'Airtable',
    description: 'Reads and writes Airtable bases, tables and records through a personal access token.',
    transport: npx('airtable-mcp-server'),
    secrets: [secret('airtable.api_key', 'AIRTABLE_API_KEY', 'Airtable personal access token')],
  },
];
