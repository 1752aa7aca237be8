/**
 * Client ID Metadata Documents end to end: mcpkey identifies itself with the URL of the document
 * docs/client-metadata.json describes, the authorization server (oidc-provider fixture) fetches that
 * document live from a loopback server, and no dynamic registration happens.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';
import { requireSecretService, ROOT, Sandbox } from './helpers.js';
import { expireGrant } from './grant-helpers.js';
import { BROWSER_DRIVER, callTool, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

/** A publisher's web server: serves copies of docs/client-metadata.json, each with client_id set to its own URL. */
interface DocumentServer {
  origin: string;
  /** Serves the published template at `path`, with `client_id` replaced by the URL it is served from. */
  publish(path: string): Promise<string>;
  /** Requests per path. */
  hits(path: string): number;
  close(): Promise<void>;
}

async function startDocumentServer(): Promise<DocumentServer> {
  const template = JSON.parse(await readFile(join(ROOT, 'docs/client-metadata.json'), 'utf8')) as Record<string, unknown>;
  const documents = new Map<string, string>();
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const body = documents.get(path);
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async publish(path) {
      const url = `${origin}${path}`;
      documents.set(path, JSON.stringify({ ...template, client_id: url }));
      return url;
    },
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Long-lived: a token expires when the test says so (expireGrant), never because a loaded machine was slow.
const TTL = 3600;
let as: AuthServer;
let mcp: McpResourceServer;
let docs: DocumentServer;
let sandbox: Sandbox;

beforeAll(async () => {
  as = await startAuthServer({ accessTokenTtl: TTL });
  mcp = await startMcpServer({ authServerIssuer: as.issuer });
  docs = await startDocumentServer();
});
afterAll(async () => {
  await mcp?.close();
  await as?.close();
  await docs?.close();
});
beforeEach(async () => {
  sandbox = await Sandbox.create();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const browserEnv = () => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

async function addServer(name: string, url: string): Promise<void> {
  const added = await sandbox.run(['server', 'add', name, '--url', url]);
  expect(added.code, added.stderr).toBe(0);
}

/** The last authorization-code request the authorization server received. */
function lastAuthorizationRequest(server: AuthServer) {
  return server.requests().filter((r) => r.query?.response_type === 'code').at(-1);
}

describe('the published client metadata document', () => {
  it('is the document the MCP spec and RFC 8252 call for', async () => {
    const doc = JSON.parse(await readFile(join(ROOT, 'docs/client-metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(doc).toEqual({
      client_id: 'https://example.com/mcpkey/client-metadata.json',
      client_name: 'mcpkey',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    });
    // The placeholder is a valid CIMD client_id: https, with a path.
    const id = new URL(doc.client_id as string);
    expect(id.protocol).toBe('https:');
    expect(id.pathname).not.toBe('/');
    const guide = await readFile(join(ROOT, 'docs/client-metadata.md'), 'utf8');
    expect(guide).toContain('MCPKEY_CLIENT_METADATA_URL');
    expect(guide).toContain('"clientMetadataUrl"');
    expect(guide).toContain('https://example.com/mcpkey/client-metadata.json');
  });
});

describe('oauth authorize with a Client ID Metadata Document', () => {
  it('uses the document URL as client_id: no registration, the AS fetches the document, the token works and refreshes', async () => {
    const path = '/mcpkey/client.json';
    const url = await docs.publish(path);
    await addServer('demo', mcp.url);
    const before = as.stats();
    const hitsBefore = docs.hits(path);

    const result = await sandbox.run(['oauth', 'authorize', 'demo'], { env: { ...browserEnv(), MCPKEY_CLIENT_METADATA_URL: url }, timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);

    const after = as.stats();
    expect(after.registrations).toBe(before.registrations);
    expect(after.cimdFetches).toBeGreaterThan(before.cimdFetches);
    expect(docs.hits(path)).toBeGreaterThan(hitsBefore);

    // The authorization request named the document as the client, with an ephemeral-port loopback
    // redirect that the document's port-less redirect URI covers (RFC 8252 §7.3).
    const authRequest = lastAuthorizationRequest(as)!;
    expect(authRequest.query).toMatchObject({ client_id: url, code_challenge_method: 'S256', resource: mcp.url });
    expect(authRequest.query!.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.body?.grant_type === 'authorization_code').at(-1)!;
    expect(tokenRequest.status).toBe(200);
    expect(tokenRequest.body).toMatchObject({ client_id: url });

    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(grant).toMatchObject({ client: 'metadata-document', clientId: url, issuer: as.issuer, resource: mcp.url });
    expect(grant.refreshToken).toBeTruthy();
    // Nothing was registered dynamically, so nothing of the kind is stored either.
    expect(await sandbox.keychainValue(`oauth-dcr:${as.issuer}`)).toBeUndefined();

    const whoami = JSON.parse(await callTool(mcp.url, grant.accessToken, 'whoami'));
    expect(whoami).toMatchObject({ sub: 'alice', client_id: url, aud: [mcp.url] });

    const ls = JSON.parse((await sandbox.run(['oauth', 'ls', '--json'])).stdout);
    expect(ls.servers.find((s: { name: string }) => s.name === 'demo')).toMatchObject({ status: 'authorized', client: 'metadata-document' });

    // A refresh (no MCPKEY_CLIENT_METADATA_URL needed any more) uses the same client ID.
    await expireGrant(sandbox, 'demo');
    const refreshesBefore = as.stats().refreshGrants;
    const token = await sandbox.run(['oauth', 'token', 'demo']);
    expect(token.code, token.stderr).toBe(0);
    expect(as.stats().refreshGrants).toBe(refreshesBefore + 1);
    const refreshRequest = as.requests().filter((r) => r.route === 'token' && r.body?.grant_type === 'refresh_token').at(-1)!;
    expect(refreshRequest.status).toBe(200);
    expect(refreshRequest.body).toMatchObject({ client_id: url });
    const renewed = (await storedGrant(sandbox, 'demo'))!;
    expect(renewed).toMatchObject({ client: 'metadata-document', clientId: url });
    expect(renewed.accessToken).not.toBe(grant.accessToken);
    expect(token.stdout).toBe(`${renewed.accessToken}\n`);
    expect(JSON.parse(await callTool(mcp.url, renewed.accessToken, 'whoami'))).toMatchObject({ sub: 'alice', client_id: url });
    expect(as.stats().registrations).toBe(before.registrations);
  }, 300_000);

  it('refuses a metadata URL without a path: exit 7, one line naming the path, nothing sent to the AS', async () => {
    await addServer('demo', mcp.url);
    const bare = `${docs.origin}/`;
    const before = as.stats();
    const result = await sandbox.run(['oauth', 'authorize', 'demo'], { env: { ...browserEnv(), MCPKEY_CLIENT_METADATA_URL: bare }, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(7);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^mcpkey: /);
    expect(lines[0]).toContain(bare);
    expect(lines[0]).toMatch(/\bpath\b/);
    expect(result.stdout).toBe('');
    const after = as.stats();
    expect(after.authorizationRequests).toBe(before.authorizationRequests);
    expect(after.registrations).toBe(before.registrations);
    expect(after.cimdFetches).toBe(before.cimdFetches);
    expect(await storedGrant(sandbox, 'demo')).toBeUndefined();

    // The bare origin (no slash at all) is the same URL: refused the same way.
    const origin = await sandbox.run(['oauth', 'authorize', 'demo'], { env: { ...browserEnv(), MCPKEY_CLIENT_METADATA_URL: docs.origin }, timeoutMs: 60_000 });
    expect(origin.code, origin.stderr).toBe(7);
    expect(origin.stderr.trim().split('\n')).toHaveLength(1);
    expect(origin.stderr).toMatch(/has no path/);
    expect(as.stats().authorizationRequests).toBe(before.authorizationRequests);
  }, 300_000);

  it('reads "clientMetadataUrl" from config.json, and MCPKEY_CLIENT_METADATA_URL overrides it', async () => {
    const fromConfig = await docs.publish('/config/client.json');
    const fromEnv = await docs.publish('/env/client.json');
    await addServer('demo', mcp.url);
    const configPath = join(sandbox.mcpkeyHome, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    expect(config.servers).toHaveProperty('demo');
    await writeFile(configPath, `${JSON.stringify({ ...config, clientMetadataUrl: fromConfig }, null, 2)}\n`);

    const registrations = as.stats().registrations;
    const viaConfig = await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(viaConfig.code, viaConfig.stderr).toBe(0);
    expect(await storedGrant(sandbox, 'demo')).toMatchObject({ client: 'metadata-document', clientId: fromConfig });
    expect(lastAuthorizationRequest(as)!.query).toMatchObject({ client_id: fromConfig });
    expect(docs.hits('/config/client.json')).toBeGreaterThan(0);

    const viaEnv = await sandbox.run(['oauth', 'authorize', 'demo'], { env: { ...browserEnv(), MCPKEY_CLIENT_METADATA_URL: fromEnv }, timeoutMs: 180_000 });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(grant).toMatchObject({ client: 'metadata-document', clientId: fromEnv });
    expect(lastAuthorizationRequest(as)!.query).toMatchObject({ client_id: fromEnv });
    expect(JSON.parse(await callTool(mcp.url, grant.accessToken, 'whoami'))).toMatchObject({ client_id: fromEnv });
    expect(as.stats().registrations).toBe(registrations);

    // The config key is kept by later writes of the config file.
    await addServer('other', `${mcp.origin}/other`);
    expect(JSON.parse(await readFile(configPath, 'utf8'))).toMatchObject({ clientMetadataUrl: fromConfig });
  }, 300_000);

  it('falls back to dynamic registration when the AS does not advertise CIMD, even with a URL configured', async () => {
    const plainAs = await startAuthServer({ cimd: false });
    const plainMcp = await startMcpServer({ authServerIssuer: plainAs.issuer });
    try {
      const metadata = (await (await fetch(plainAs.metadataUrl)).json()) as Record<string, unknown>;
      expect(metadata.client_id_metadata_document_supported).toBeUndefined();
      const path = '/fallback/client.json';
      const url = await docs.publish(path);
      await addServer('plain', plainMcp.url);

      const result = await sandbox.run(['oauth', 'authorize', 'plain'], { env: { ...browserEnv(), MCPKEY_CLIENT_METADATA_URL: url }, timeoutMs: 180_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(plainAs.stats().registrations).toBe(1);
      expect(plainAs.stats().cimdFetches).toBe(0);
      expect(docs.hits(path)).toBe(0);

      const grant = (await storedGrant(sandbox, 'plain'))!;
      expect(grant.client).toBe('dynamic');
      expect(grant.clientId).not.toBe(url);
      expect(grant.clientId).toBe(plainAs.registeredClients()[0]!.client_id);
      expect(lastAuthorizationRequest(plainAs)!.query).toMatchObject({ client_id: grant.clientId });
      expect(JSON.parse(await callTool(plainMcp.url, grant.accessToken, 'whoami'))).toMatchObject({ sub: 'alice', client_id: grant.clientId });
    } finally {
      await plainMcp.close();
      await plainAs.close();
    }
  }, 300_000);
});
