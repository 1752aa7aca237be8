import type { CatalogEntry } from '../types.js';
import { preRegistered, remote } from './helpers.js';

/** Hosted servers of developer platforms, signed in with OAuth. */
export const REMOTE_DEV_ENTRIES: readonly CatalogEntry[] = [
  // facts C (sentry-mcp authorization-server-metadata.ts L51: DCR).
  {
    name: 'sentry-remote',
    title: 'Sentry',
    description: "Sentry's hosted server: issues, events, traces and Seer.",
    transport: remote('https://mcp.sentry.dev/mcp'),
    secrets: [],
  },
  // facts C (Linear's docs: OAuth 2.1 with dynamic client registration).
  {
    name: 'linear',
    title: 'Linear',
    description: 'Issues, projects and comments in Linear.',
    transport: remote('https://mcp.linear.app/mcp'),
    secrets: [],
  },
  // facts C (atlassian-mcp-server README L195-203, server.json). DCR unverified.
  {
    name: 'atlassian',
    title: 'Atlassian (Rovo)',
    description: 'Jira and Confluence through Atlassian’s hosted Rovo server.',
    transport: remote('https://mcp.atlassian.com/v1/mcp/authv2'),
    secrets: [],
  },
  // facts C (cloudflare/mcp src/index.ts L108: DCR).
  {
    name: 'cloudflare',
    title: 'Cloudflare',
    description: 'The whole Cloudflare API through Code Mode, on Cloudflare’s hosted server.',
    transport: remote('https://mcp.cloudflare.com/mcp'),
    secrets: [],
  },
  // facts C (github-mcp-server server.json; docs/host-integration.md L127: no DCR) and 2026-12 (GitHub
  // and OAuth Apps both need a client secret).
  {
    name: 'github-remote',
    title: 'GitHub (remote)',
    description: "GitHub's hosted server: repositories, issues, pull requests and Actions. Needs your own GitHub OAuth App (client ID and secret).",
    transport: remote('https://api.githubcopilot.com/mcp/'),
    secrets: [],
    oauth: preRegistered('github-remote', 'GitHub', 'register a GitHub OAuth App or GitHub App'),
  },
  // facts B (gitlabhq doc/user/gitlab_duo/model_context_protocol/mcp_server.md: DCR, scope `mcp`).
  {
    name: 'gitlab-remote',
    title: 'GitLab (remote)',
    description: "GitLab's hosted server (Premium and Ultimate; beta).",
    transport: remote('https://gitlab.com/api/v4/mcp'),
    secrets: [],
    oauth: { scopes: ['mcp'] },
  },
  // facts B (mcp-server-neon src/oauth/server.ts L41: DCR).
  {
    name: 'neon-remote',
    title: 'Neon (remote)',
    description: "Neon's hosted server: projects, branches and SQL.",
    transport: remote('https://mcp.neon.tech/mcp'),
    secrets: [],
  },
  // facts C (supabase-mcp server.json). DCR unverified. The key variant is supabase-local.
  {
    name: 'supabase',
    title: 'Supabase',
    description: "Supabase's hosted server: projects, databases, edge functions.",
    transport: remote('https://mcp.supabase.com/mcp'),
    secrets: [],
  },
  // facts C and 2026-12 (vercel/vercel-plugin .mcp.json). DCR and a client allow-list are UNVERIFIED:
  // Vercel may refuse a client it has not approved.
  {
    name: 'vercel',
    title: 'Vercel',
    description: "Vercel's hosted server: projects and deployments.",
    transport: remote('https://mcp.vercel.com'),
    secrets: [],
  },
  // facts 2026-12 (DMR prisma-postgres: oauth).
  {
    name: 'prisma',
    title: 'Prisma Postgres',
    description: "Prisma's hosted server for Prisma Postgres databases.",
    transport: remote('https://mcp.prisma.io/mcp'),
    secrets: [],
  },
  // facts 2026-12 (help.figma.com remote-server-installation). DCR is reported restricted: UNVERIFIED.
  {
    name: 'figma',
    title: 'Figma',
    description: "Figma's hosted server: design context from Figma files.",
    transport: remote('https://mcp.figma.com/mcp'),
    secrets: [],
  },
];
