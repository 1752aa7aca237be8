import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/core/oauth/discovery.js';
import { canonicalResource } from '../../src/core/oauth/urls.js';
import { asMetadata, fakeFetch, json, unauthorized, type FetchCall } from './oauth-fakes.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const RESOURCE = 'https://mcp.example.com/mcp';
const ISSUER = 'https://auth.example.com';
const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const AS_MD = `${ISSUER}/.well-known/oauth-authorization-server`;

/** A server that lets discovery through and challenges only real requests. */
function challengesOnly(methods: string[], challenge: string) {
  return (call: FetchCall) => {
    const method = (JSON.parse(call.body ?? '{}') as { method?: string }).method ?? '';
    return methods.includes(method) ? unauthorized(challenge) : json({ jsonrpc: '2.0', id: 0, result: {} });
  };
}

describe('discovery probes', () => {
  it('probes first with a stateless 2026-07-28 tools/list, headers and _meta as the revision requires', async () => {
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized(`Bearer resource_metadata="${PRM}", scope="files:read"`),
      [PRM]: () => json({ resource: RESOURCE, authorization_servers: [ISSUER] }),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    const probe = fake.calls[0]!;
    expect(probe.method).toBe('POST');
    expect(probe.headers.get('mcp-protocol-version')).toBe('2026-07-28');
    expect(probe.headers.get('mcp-method')).toBe('tools/list');
    expect(probe.headers.get('content-type')).toBe('application/json');
    expect(probe.headers.get('accept')).toBe('application/json, text/event-stream');
    expect(probe.headers.get('authorization')).toBeNull();
    expect(JSON.parse(probe.body!)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'mcpkey', version: VERSION },
        },
      },
    });
    // Challenged: no initialize probe follows.
    expect(fake.calls.filter((call) => call.url === RESOURCE)).toHaveLength(1);
    expect(result.challenge).toEqual({ scope: 'files:read', resourceMetadata: PRM });
  });

  it('finds the challenge of a server that lets initialize through but protects tools/list', async () => {
    const fake = fakeFetch({
      [RESOURCE]: challengesOnly(['tools/list'], `Bearer resource_metadata="${PRM}", scope="tools:read"`),
      [PRM]: () => json({ resource: RESOURCE, authorization_servers: [ISSUER], scopes_supported: ['everything'] }),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    expect(result.challenge).toEqual({ scope: 'tools:read', resourceMetadata: PRM });
    expect(fake.urls()).toEqual([RESOURCE, PRM, AS_MD]);
  });

  it('falls back to an initialize probe when tools/list is not challenged, and takes that challenge', async () => {
    const fake = fakeFetch({
      [RESOURCE]: (call) =>
        JSON.parse(call.body!).method === 'initialize'
          ? unauthorized(`Bearer resource_metadata="${PRM}", scope="init:scope"`)
          : json({ jsonrpc: '2.0', id: 1, error: { code: -32600, message: 'Bad Request: Server not initialized' } }, 400),
      [PRM]: () => json({ resource: RESOURCE, authorization_servers: [ISSUER] }),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    const [first, second] = fake.calls;
    expect(JSON.parse(first!.body!).method).toBe('tools/list');
    expect(JSON.parse(second!.body!)).toMatchObject({ method: 'initialize', params: { protocolVersion: '2025-11-25', clientInfo: { name: 'mcpkey', version: VERSION } } });
    expect(second!.headers.get('mcp-protocol-version')).toBe('2025-11-25');
    expect(result.challenge).toEqual({ scope: 'init:scope', resourceMetadata: PRM });
  });

  it('still finds published metadata when neither probe is challenged', async () => {
    const fake = fakeFetch({
      [RESOURCE]: () => json({ jsonrpc: '2.0', id: 0, result: {} }),
      [PRM]: () => json({ resource: RESOURCE, authorization_servers: [ISSUER] }),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    expect(result.challenge).toBeUndefined();
    expect(result.via).toBe('resource-metadata');
    expect(fake.urls()).toEqual([RESOURCE, RESOURCE, PRM, AS_MD]);
  });
});

describe('the resource indicator', () => {
  it('is the resource metadata’s `resource` exactly as published, never re-serialised', async () => {
    for (const published of ['http://127.0.0.1:8123', 'http://127.0.0.1:8123/', 'http://127.0.0.1:8123/mcp', 'HTTP://127.0.0.1:8123/mcp']) {
      const server = 'http://127.0.0.1:8123/mcp';
      const prm = 'http://127.0.0.1:8123/.well-known/oauth-protected-resource/mcp';
      const fake = fakeFetch({
        [server]: () => unauthorized('Bearer'),
        [prm]: () => json({ resource: published, authorization_servers: [ISSUER] }),
        [AS_MD]: () => json(asMetadata(ISSUER)),
      });
      const result = await discover(server, { fetch: fake.fetch });
      expect(result.resource).toBe(published);
      expect(result.serverUrl).toBe(server);
    }
  });

  it('without resource metadata, is the server URL without fragment, and a bare origin gets no slash added', () => {
    expect(canonicalResource('http://127.0.0.1:8123')).toBe('http://127.0.0.1:8123');
    expect(canonicalResource('https://MCP.example.com#x')).toBe('https://mcp.example.com');
    expect(canonicalResource('https://mcp.example.com/')).toBe('https://mcp.example.com/');
    expect(canonicalResource('https://mcp.example.com?x=1')).toBe('https://mcp.example.com/?x=1');
    expect(canonicalResource('https://mcp.example.com/mcp#x')).toBe('https://mcp.example.com/mcp');
  });
});
