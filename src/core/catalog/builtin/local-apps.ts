import type { CatalogEntry } from '../types.js';
import { npx, secret, uvx } from './helpers.js';

/** Local servers for business apps, search and media that need a key (some run without one). */
export const LOCAL_APP_ENTRIES: readonly CatalogEntry[] = [
  // facts B (MS-arch src/slack/index.ts L384-385, L224; fork index.ts L581-582); facts 2026-12: the
  // fork has a single 0.0.1 release; Slack's hosted server is slack-remote.
  {
    name: 'slack',
    title: 'Slack',
    description:
      "Reads and posts messages in Slack channels (the fork of the archived reference server; it has had a single release, 0.0.1). Slack's hosted server is slack-remote.",
    transport: npx('@zencoderai/slack-mcp-server'),
    secrets: [
      secret('slack.bot_token', 'SLACK_BOT_TOKEN', 'Slack bot token (xoxb-…)', { url: 'https://api.slack.com/apps' }),
      secret('slack.team_id', 'SLACK_TEAM_ID', 'Slack workspace ID (starts with T); not secret, but required'),
      secret('slack.channel_ids', 'SLACK_CHANNEL_IDS', 'Comma-separated channel IDs to limit access to (optional)', {
        optional: true,
      }),
    ],
  },
  // facts B (src/openapi-mcp-server/mcp/proxy.ts ~L268: NOTION_TOKEN; README: Notion "may sunset" it).
  {
    name: 'notion',
    title: 'Notion (local)',
    description:
      'The Notion API through a local proxy, with an internal integration token. Notion says it may retire this local server in favour of notion-remote.',
    transport: npx('@notionhq/notion-mcp-server'),
    secrets: [
      secret('notion.internal_integration_token', 'NOTION_TOKEN', 'Notion internal integration token (ntn_…)', {
        url: 'https://www.notion.so/profile/integrations',
      }),
    ],
  },
  // facts B (src/config.ts BRAVE_API_KEY; v1.x defaulted to http, so the transport is set; DMR brave).
  {
    name: 'brave',
    title: 'Brave Search',
    description: 'Web, news, image and video search through the Brave Search API.',
    transport: { ...npx('@brave/brave-search-mcp-server'), env: { BRAVE_MCP_TRANSPORT: 'stdio' } },
    secrets: [secret('brave.api_key', 'BRAVE_API_KEY', 'Brave Search API key', { url: 'https://brave.com/search/api/' })],
  },
  // facts B (MS-arch index.ts L137; DMR google-maps.api_key).
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
  // facts D (src/index.ts L155; DMR firecrawl.api_key); facts 2026-12: runs without a key (free tier).
  {
    name: 'firecrawl',
    title: 'Firecrawl',
    description: "Scrapes and crawls web sites; runs without a key on Firecrawl's free tier.",
    transport: npx('firecrawl-mcp'),
    secrets: [secret('firecrawl.api_key', 'FIRECRAWL_API_KEY', 'Firecrawl API key (optional)', { optional: true })],
  },
  // facts D (src/index.ts L15; DMR tavily.api_token); facts 2026-12: runs without a key (free tier).
  {
    name: 'tavily',
    title: 'Tavily',
    description: "Web search and content extraction; runs without a key on Tavily's free tier.",
    transport: npx('tavily-mcp@latest'),
    secrets: [secret('tavily.api_token', 'TAVILY_API_KEY', 'Tavily API key (optional)', { optional: true })],
  },
  // facts 2026-12 (npm @perplexity-ai/mcp-server 1.2.1: 4 tools with a dummy key, exits without one).
  {
    name: 'perplexity',
    title: 'Perplexity',
    description: 'Web search and answers through the Perplexity API.',
    transport: npx('@perplexity-ai/mcp-server'),
    secrets: [secret('perplexity.api_key', 'PERPLEXITY_API_KEY', 'Perplexity API key')],
  },
  // facts 2026-12 (DMR elevenlabs): Python only.
  {
    name: 'elevenlabs',
    title: 'ElevenLabs',
    description: 'Text to speech, voices and audio through the ElevenLabs API (Python server, run with uv).',
    transport: uvx('elevenlabs-mcp'),
    secrets: [secret('elevenlabs.api_key', 'ELEVENLABS_API_KEY', 'ElevenLabs API key')],
  },
  // facts 2026-12 (resend/mcp-send-email README; npm resend-mcp 2.22.0, engines node >=22; DMR
  // resend.api_key): @latest so an older Node fails loudly instead of running an old release.
  {
    name: 'resend',
    title: 'Resend',
    description: 'Sends and manages email through the Resend API; its current release needs Node 22 or newer.',
    transport: npx('resend-mcp@latest'),
    secrets: [
      secret('resend.api_key', 'RESEND_API_KEY', 'Resend API key'),
      secret('resend.sender_email_address', 'SENDER_EMAIL_ADDRESS', 'Default sender address; not secret (optional)', { optional: true }),
      secret('resend.reply_to_email_addresses', 'REPLY_TO_EMAIL_ADDRESSES', 'Default reply-to addresses; not secret (optional)', {
        optional: true,
      }),
    ],
    requires: { node: 22 },
  },
  // facts 2026-12 (npm @hubspot/mcp-server 0.4.0: 21 tools with a dummy token, exits without one).
  // The hosted server, which needs a pre-registered app, is hubspot-remote.
  {
    name: 'hubspot',
    title: 'HubSpot',
    description: 'HubSpot CRM records through a private app access token.',
    transport: npx('@hubspot/mcp-server'),
    secrets: [secret('hubspot.private_app_access_token', 'PRIVATE_APP_ACCESS_TOKEN', 'HubSpot private app access token')],
  },
  // facts 2026-12 (npm @mondaydotcomorg/monday-api-mcp 3.3.0; README L27: env `monday_token`, lower case).
  {
    name: 'monday',
    title: 'monday.com',
    description: 'Boards, items and updates on monday.com through a personal API token.',
    transport: npx('@mondaydotcomorg/monday-api-mcp'),
    secrets: [secret('monday.token', 'monday_token', 'monday.com personal API token')],
  },
  // facts 2026-12 (npm webflow-mcp-server 1.0.0; DMR webflow.token → WEBFLOW_TOKEN).
  {
    name: 'webflow',
    title: 'Webflow',
    description: 'Webflow sites and CMS content through an API token.',
    transport: npx('webflow-mcp-server'),
    secrets: [secret('webflow.token', 'WEBFLOW_TOKEN', 'Webflow API token')],
  },
  // facts 2026-12 (@doist/todoist-mcp 11.0.0 README L27, L63-104: 45 tools with a dummy key).
  {
    name: 'todoist',
    title: 'Todoist',
    description: 'Todoist tasks, projects and comments through an API token.',
    transport: npx('@doist/todoist-mcp'),
    secrets: [secret('todoist.api_key', 'TODOIST_API_KEY', 'Todoist API token')],
  },
  // facts C and 2026-12 (square/square-mcp-server server.ts L72-84: ACCESS_TOKEN, SANDBOX, PRODUCTION,
  // DISALLOW_WRITES; the base URL is production unless SANDBOX=true).
  {
    name: 'square',
    title: 'Square',
    description:
      "Square's API through an access token. It talks to production unless SANDBOX=true is set in the environment; DISALLOW_WRITES=true refuses writes.",
    transport: npx('square-mcp-server', 'start'),
    secrets: [secret('square.access_token', 'ACCESS_TOKEN', 'Square access token')],
  },
];
