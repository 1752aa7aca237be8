import type { CatalogEntry } from '../types.js';
import { preRegistered, remote, sse } from './helpers.js';

/** Hosted servers of business apps and payments, signed in with OAuth. */
export const REMOTE_APP_ENTRIES: readonly CatalogEntry[] = [
  // facts C (notion build-mcp-client guide). DCR unverified.
  {
    name: 'notion-remote',
    title: 'Notion',
    description: "Notion's hosted server: search, read and edit pages and databases.",
    transport: remote('https://mcp.notion.com/mcp'),
    secrets: [],
  },
  // facts C (developers.asana.com, V2; V1 /sse shut down 2026-08-05) and 2026-12 (client ID and secret,
  // and a redirect URL registered in the Asana app: connecting-mcp-clients-to-asanas-v2-server).
  {
    name: 'asana',
    title: 'Asana',
    description: "Asana's hosted server (V2): tasks, projects and goals. Needs your own Asana MCP app (client ID, secret and redirect URL).",
    transport: remote('https://mcp.asana.com/v2/mcp'),
    secrets: [],
    oauth: preRegistered('asana', 'Asana', 'create an MCP app in the Asana developer console'),
  },
  // facts 2026-12 (LiteLLM docs; Factory-AI/factory#996: no dynamic client registration).
  {
    name: 'slack-remote',
    title: 'Slack (hosted)',
    description: "Slack's hosted server. Needs your own Slack app with MCP enabled (client ID and secret).",
    transport: remote('https://mcp.slack.com/mcp'),
    secrets: [],
    oauth: preRegistered('slack-remote', 'Slack', 'create a Slack app with MCP turned on'),
  },
  // facts 2026-12 (developers.hubspot.com integrate-with-hubspot-mcp-server: a pre-registered
  // "MCP auth app", no DCR). The private-app-token variant is hubspot.
  {
    name: 'hubspot-remote',
    title: 'HubSpot (remote)',
    description: "HubSpot's hosted server. Needs your own HubSpot MCP auth app (client ID and secret).",
    transport: remote('https://mcp.hubspot.com'),
    secrets: [],
    oauth: preRegistered('hubspot-remote', 'HubSpot', 'create an MCP auth app in your HubSpot developer account'),
  },
  // facts 2026-12 (developer.box.com/guides/box-mcp: no DCR, admin integration credentials).
  {
    name: 'box',
    title: 'Box',
    description: "Box's hosted server: files, folders and search. Needs a Box integration set up by an admin (client ID and secret).",
    transport: remote('https://mcp.box.com'),
    secrets: [],
    oauth: preRegistered('box', 'Box', 'have a Box admin create an MCP integration in the Box admin console'),
  },
  // facts 2026-12 (developers.intercom.com/docs/guides/mcp: DCR; US-hosted workspaces only).
  {
    name: 'intercom',
    title: 'Intercom',
    description: "Intercom's hosted server: conversations and contacts (US-hosted workspaces only).",
    transport: remote('https://mcp.intercom.com/mcp'),
    secrets: [],
  },
  // facts 2026-12 (several public client configurations). DCR UNVERIFIED.
  {
    name: 'canva',
    title: 'Canva',
    description: "Canva's hosted server: designs and assets.",
    transport: remote('https://mcp.canva.com/mcp'),
    secrets: [],
  },
  // facts 2026-12 (DMR monday lists /sse; /mcp per the facts). The token variant is monday.
  {
    name: 'monday-remote',
    title: 'monday.com (remote)',
    description: "monday.com's hosted server: boards, items and updates.",
    transport: remote('https://mcp.monday.com/mcp'),
    secrets: [],
  },
  // facts 2026-12 (DMR webflow-remote lists /sse; /mcp per the facts). The token variant is webflow.
  {
    name: 'webflow-remote',
    title: 'Webflow (remote)',
    description: "Webflow's hosted server: sites and CMS content.",
    transport: remote('https://mcp.webflow.com/mcp'),
    secrets: [],
  },
  // facts 2026-12 (DMR wix lists /sse; /mcp per the facts).
  {
    name: 'wix',
    title: 'Wix',
    description: "Wix's hosted server: sites and business apps.",
    transport: remote('https://mcp.wix.com/mcp'),
    secrets: [],
  },
  // facts 2026-12 (@doist/todoist-mcp README). The API-token variant is todoist.
  {
    name: 'todoist-remote',
    title: 'Todoist (remote)',
    description: "Todoist's hosted server: tasks, projects and comments.",
    transport: remote('https://ai.todoist.net/mcp'),
    secrets: [],
  },
  // facts C (stripe/agent-toolkit server.json). DCR unverified. The API-key variant is stripe-local.
  {
    name: 'stripe',
    title: 'Stripe',
    description: "Stripe's hosted server: customers, payments, invoices and documentation search.",
    transport: remote('https://mcp.stripe.com'),
    secrets: [],
  },
  // facts C and 2026-12 (developer.paypal.com/ai-tools/mcp-server; DMR paypal: sse). The streamable path
  // and DCR are UNVERIFIED; the local @paypal/mcp is left out (404 on the registry checked).
  {
    name: 'paypal',
    title: 'PayPal',
    description: "PayPal's hosted server (HTTP+SSE), signed in with your PayPal account.",
    transport: sse('https://mcp.paypal.com/sse'),
    secrets: [],
  },
  // facts C (Google ADK docs): PayPal's sandbox.
  {
    name: 'paypal-sandbox',
    title: 'PayPal (sandbox)',
    description: "PayPal's hosted server against the PayPal sandbox (HTTP+SSE).",
    transport: sse('https://mcp.sandbox.paypal.com/sse'),
    secrets: [],
  },
  // facts C and 2026-12 (block/goose square-mcp.md; square-mcp-server README: OAuth). /mcp and DCR
  // UNVERIFIED. The access-token variant is square.
  {
    name: 'square-remote',
    title: 'Square (remote)',
    description: "Square's hosted server (HTTP+SSE).",
    transport: sse('https://mcp.squareup.com/sse'),
    secrets: [],
  },
];
