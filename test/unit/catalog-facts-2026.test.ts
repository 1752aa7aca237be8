import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../src/core/catalog/builtin.js';
import type { StdioTransport } from '../../src/core/catalog/types.js';
import { validateEntry } from '../../src/core/catalog/validate.js';
import { builtin, remote, stdio } from './lookups.js';

/* The corrections and additions of shared/catalog-facts-2026-12.md, entry by entry. */

/** [secret name, env, optional] of an entry. */
function secretsOf(name: string): Array<[string, string, boolean]> {
  return builtin(name).secrets.map((s) => [s.name, s.env, s.optional === true]);
}

describe('corrections', () => {
  it('gitlab runs the maintained @zereight/mcp-gitlab with the same two variables', () => {
    expect(stdio('gitlab')).toEqual({
      type: 'stdio',
      command: 'npx',
      args: ['-y', '@zereight/mcp-gitlab'],
      env: { GITLAB_API_URL: 'https://gitlab.com/api/v4' },
    });
    expect(secretsOf('gitlab')).toEqual([['gitlab.personal_access_token', 'GITLAB_PERSONAL_ACCESS_TOKEN', false]]);
    const everyArg = BUILTIN_CATALOG.flatMap((entry) => (entry.transport.type === 'stdio' ? entry.transport.args : []));
    expect(everyArg).not.toContain('@modelcontextprotocol/server-gitlab');
  });

  it('postgres is not called read-only: the description says the archived server does not enforce it', () => {
    const { description, title } = builtin('postgres');
    expect(description).toMatch(/does not enforce/);
    expect(description).not.toMatch(/^read-only/i);
    expect(`${title} ${description}`).not.toMatch(/read-only (SQL|access|queries|server)/i);
    expect(title).not.toMatch(/read-only/i);
    expect(stdio('postgres').args).toEqual(['-y', '@modelcontextprotocol/server-postgres', '${POSTGRES_URL}']);
  });

  it.each(['firecrawl', 'tavily'])('%s: the key is optional and the description says the free tier runs without', (name) => {
    const secrets = builtin(name).secrets;
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.optional).toBe(true);
    expect(builtin(name).description).toMatch(/without a key/);
  });

  it.each([
    ['neon', '@neondatabase/mcp-server-neon@latest'],
    ['resend', 'resend-mcp@latest'],
  ])('%s needs Node 22 and pins %s so npx never runs an old release', (name, pkg) => {
    expect(builtin(name).requires).toEqual({ node: 22 });
    expect(stdio(name).args[1]).toBe(pkg);
    expect(builtin(name).description).toMatch(/Node 22/);
  });

  it('neon still takes its key as the argument after start', () => {
    expect(stdio('neon').args).toEqual(['-y', '@neondatabase/mcp-server-neon@latest', 'start', '${NEON_API_KEY}']);
  });

  it('every entry with requires.node validates, names a whole major above 20, and pins an npx package to @latest', () => {
    const requiring = BUILTIN_CATALOG.filter((entry) => entry.requires?.node !== undefined);
    expect(requiring.map((entry) => entry.name).sort()).toEqual(['neon', 'resend']);
    for (const entry of requiring) {
      expect(validateEntry(JSON.parse(JSON.stringify(entry)), entry.name), entry.name).toBeUndefined();
      expect(Number.isInteger(entry.requires!.node), entry.name).toBe(true);
      expect(entry.requires!.node, entry.name).toBeGreaterThan(20);
      const transport = entry.transport as StdioTransport;
      expect(transport.command, entry.name).toBe('npx');
      expect(transport.args[1], entry.name).toMatch(/@latest$/);
    }
  });

  it('slack keeps the local fork, says it has had a single release, and points to slack-remote', () => {
    expect(stdio('slack').args).toEqual(['-y', '@zencoderai/slack-mcp-server']);
    expect(builtin('slack').description).toMatch(/single release/);
    expect(builtin('slack').description).toContain('slack-remote');
  });

  it('notion says the local server may be retired', () => {
    expect(builtin('notion').description).toMatch(/may retire/);
  });
});

describe('pre-registered clients', () => {
  const PRE_REGISTERED = ['asana', 'github-remote', 'slack-remote', 'hubspot-remote', 'box'];

  it.each(PRE_REGISTERED)('%s: the note gives the exact authorize command with a client secret and a fixed port', (name) => {
    const oauth = builtin(name).oauth;
    expect(oauth).toBeTypeOf('object');
    const note = (oauth as { note?: string }).note ?? '';
    expect(note).toMatch(/does not support dynamic registration/);
    expect(note).toContain(`\`mcpkey oauth authorize ${name} --client-id ID --client-secret-stdin --port 8765\``);
    expect(note).toContain('http://127.0.0.1:8765/callback');
    expect(builtin(name).description).toMatch(/client ID and secret|client ID, secret/);
  });

  it('asana: the note says to register the redirect URL in the Asana app', () => {
    const note = (builtin('asana').oauth as { note: string }).note;
    expect(note).toMatch(/create an MCP app in the Asana developer console with the redirect URL http:\/\/127\.0\.0\.1:8765\/callback/);
  });

  it('only those entries claim a pre-registered client', () => {
    const withNote = BUILTIN_CATALOG.filter((entry) => entry.oauth && entry.oauth.note).map((entry) => entry.name);
    expect(withNote.sort()).toEqual([...PRE_REGISTERED].sort());
  });
});

describe('additions (catalog-facts-2026-12)', () => {
  it.each([
    ['slack-remote', 'https://mcp.slack.com/mcp', 'streamable-http'],
    ['hubspot-remote', 'https://mcp.hubspot.com', 'streamable-http'],
    ['box', 'https://mcp.box.com', 'streamable-http'],
    ['intercom', 'https://mcp.intercom.com/mcp', 'streamable-http'],
    ['vercel', 'https://mcp.vercel.com', 'streamable-http'],
    ['canva', 'https://mcp.canva.com/mcp', 'streamable-http'],
    ['figma', 'https://mcp.figma.com/mcp', 'streamable-http'],
    ['monday-remote', 'https://mcp.monday.com/mcp', 'streamable-http'],
    ['webflow-remote', 'https://mcp.webflow.com/mcp', 'streamable-http'],
    ['wix', 'https://mcp.wix.com/mcp', 'streamable-http'],
    ['prisma', 'https://mcp.prisma.io/mcp', 'streamable-http'],
    ['huggingface', 'https://huggingface.co/mcp', 'streamable-http'],
    ['todoist-remote', 'https://ai.todoist.net/mcp', 'streamable-http'],
    ['paypal', 'https://mcp.paypal.com/sse', 'sse'],
    ['paypal-sandbox', 'https://mcp.sandbox.paypal.com/sse', 'sse'],
    ['square-remote', 'https://mcp.squareup.com/sse', 'sse'],
    ['microsoft-learn', 'https://learn.microsoft.com/api/mcp', 'streamable-http'],
    ['context7-remote', 'https://mcp.context7.com/mcp', 'streamable-http'],
  ])('%s is %s (%s), with no secrets', (name, url, transport) => {
    expect(remote(name)).toEqual({ type: 'remote', url, transport });
    expect(builtin(name).secrets).toEqual([]);
  });

  it.each(['huggingface', 'microsoft-learn', 'context7-remote'])('%s needs no authorization (oauth: false)', (name) => {
    expect(builtin(name).oauth).toBe(false);
  });

  it.each([
    ['hubspot', 'npx', ['-y', '@hubspot/mcp-server'], [['hubspot.private_app_access_token', 'PRIVATE_APP_ACCESS_TOKEN', false]]],
    ['monday', 'npx', ['-y', '@mondaydotcomorg/monday-api-mcp'], [['monday.token', 'monday_token', false]]],
    ['webflow', 'npx', ['-y', 'webflow-mcp-server'], [['webflow.token', 'WEBFLOW_TOKEN', false]]],
    ['todoist', 'npx', ['-y', '@doist/todoist-mcp'], [['todoist.api_key', 'TODOIST_API_KEY', false]]],
    ['square', 'npx', ['-y', 'square-mcp-server', 'start'], [['square.access_token', 'ACCESS_TOKEN', false]]],
    ['exa', 'npx', ['-y', 'exa-mcp-server'], [['exa.api_key', 'EXA_API_KEY', true]]],
    ['perplexity', 'npx', ['-y', '@perplexity-ai/mcp-server'], [['perplexity.api_key', 'PERPLEXITY_API_KEY', false]]],
    [
      'resend',
      'npx',
      ['-y', 'resend-mcp@latest'],
      [
        ['resend.api_key', 'RESEND_API_KEY', false],
        ['resend.sender_email_address', 'SENDER_EMAIL_ADDRESS', true],
        ['resend.reply_to_email_addresses', 'REPLY_TO_EMAIL_ADDRESSES', true],
      ],
    ],
    ['airtable', 'npx', ['-y', 'airtable-mcp-server'], [['airtable.api_key', 'AIRTABLE_API_KEY', false]]],
    ['netlify', 'npx', ['-y', '@netlify/mcp'], [['netlify.personal_access_token', 'NETLIFY_PERSONAL_ACCESS_TOKEN', true]]],
    ['elevenlabs', 'uvx', ['elevenlabs-mcp'], [['elevenlabs.api_key', 'ELEVENLABS_API_KEY', false]]],
    ['stripe-local', 'npx', ['-y', '@stripe/mcp'], [['stripe-local.secret_key', 'STRIPE_SECRET_KEY', false]]],
    ['supabase-local', 'npx', ['-y', '@supabase/mcp-server-supabase@latest'], [['supabase-local.access_token', 'SUPABASE_ACCESS_TOKEN', false]]],
  ] as const)('%s runs %s %j and reads %j', (name, command, args, secrets) => {
    expect(stdio(name).command).toBe(command);
    expect(stdio(name).args).toEqual(args);
    expect(secretsOf(name)).toEqual(secrets);
  });
});

describe('what the facts mark UNVERIFIED is left out', () => {
  const urls = BUILTIN_CATALOG.flatMap((entry) => (entry.transport.type === 'remote' ? [entry.transport.url] : []));
  const args = BUILTIN_CATALOG.flatMap((entry) => (entry.transport.type === 'stdio' ? entry.transport.args : []));

  it('no streamable PayPal or Square path, no Airtable remote', () => {
    expect(urls.filter((url) => /paypal\.com\/(mcp|http)|squareup\.com\/mcp|airtable\.com/.test(url))).toEqual([]);
  });

  it('no @paypal/mcp (not on the registry checked)', () => {
    expect(args.filter((arg) => arg.startsWith('@paypal/'))).toEqual([]);
  });

  it('no remote entry claims a client ID it was not given', () => {
    expect(BUILTIN_CATALOG.filter((entry) => entry.oauth && entry.oauth.clientId)).toEqual([]);
  });
});

describe('sources', () => {
  it('every built-in entry has a comment naming its source right above it', async () => {
    const dir = new URL('../../src/core/catalog/builtin/', import.meta.url);
    const files = (await readdir(dir)).filter((file) => file.endsWith('.ts') && file !== 'helpers.ts');
    const commented: string[] = [];
    for (const file of files) {
      const lines = (await readFile(new URL(file, dir), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        const name = /^ {4}name: '([^']+)',$/.exec(line)?.[1];
        if (!name) return;
        expect(lines[i - 1], `${file}: ${name}`).toBe('  {');
        let j = i - 2;
        while (j >= 0 && /^\s*\/\//.test(lines[j]!) && !/\bfacts\b|\bDMR\b/.test(lines[j]!)) j -= 1;
        expect(lines[j], `${file}: ${name} has no source comment`).toMatch(/^\s*\/\/.*(\bfacts\b|\bDMR\b)/);
        commented.push(name);
      });
    }
    expect(commented.sort()).toEqual(BUILTIN_CATALOG.map((entry) => entry.name).sort());
  });
});

describe('README', () => {
  it('the built-in catalog table lists every entry once, with its kind', async () => {
    const { classify } = await import('../../src/core/auth/classify.js');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### The built-in catalog'), readme.indexOf('\n## OAuth'));
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \| (none|api-key|oauth) \|/gm)].map((m) => [m[1], m[2]]);
    const expected = BUILTIN_CATALOG.map((entry) => [entry.name, classify({ ...entry, source: 'builtin' })]);
    expect(rows.sort()).toEqual(expected.sort());
  });
});
