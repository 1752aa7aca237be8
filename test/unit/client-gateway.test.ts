import { describe, expect, it } from 'vitest';
import { buildClientEntry, buildGatewayEntry, CLIENTS, GATEWAY_ENTRY } from '../../src/core/clients/formats.js';
import { findEntry, mergeCatalog } from '../../src/core/catalog/index.js';
import { runsGateway, serversOf } from '../../src/core/clients/status.js';

const linux = { command: 'mcpkey', platform: 'linux' as const };

describe('buildGatewayEntry', () => {
  it('every client: the same shape as its `mcpkey run` entry, with `gateway` for `run NAME`', () => {
    const memory = findEntry(mergeCatalog({}), 'memory');
    for (const client of CLIENTS) {
      const gateway = buildGatewayEntry(client, linux);
      expect(gateway.name).toBe(GATEWAY_ENTRY);
      expect(gateway.via).toBe('gateway');
      const run = buildClientEntry(client, memory, linux).entry;
      const expected = JSON.parse(JSON.stringify(run).replaceAll('"run","memory"', '"gateway"').replaceAll('"name":"memory"', '"name":"mcpkey"'));
      expect(gateway.entry, client).toEqual(expected);
    }
  });

  it('servers become one --servers argument; none, no argument', () => {
    expect(buildGatewayEntry('cursor', { ...linux, servers: ['neon', 'linear'] }).entry).toEqual({ command: 'mcpkey', args: ['gateway', '--servers', 'neon,linear'] });
    expect(buildGatewayEntry('cursor', { ...linux, servers: [] }).entry).toEqual({ command: 'mcpkey', args: ['gateway'] });
    expect(buildGatewayEntry('goose', { ...linux, command: '/opt/bin/mcpkey', servers: ['neon'] }).entry).toMatchObject({ cmd: '/opt/bin/mcpkey', args: ['gateway', '--servers', 'neon'] });
  });
});

describe('runsGateway', () => {
  it('recognises the gateway entry in every shape, and nothing else', () => {
    for (const client of CLIENTS) expect(runsGateway(buildGatewayEntry(client, linux).entry), client).toBe(true);
    expect(runsGateway({ command: { path: '/usr/local/bin/mcpkey', args: ['gateway', '--servers', 'a'] } })).toBe(true);
    expect(runsGateway({ command: 'npx', args: ['-y', 'mcpkey@1.2.0', 'gateway'] })).toBe(true);
    expect(runsGateway({ command: 'mcpkey', args: ['run', 'gateway'] })).toBe(false);
    expect(runsGateway({ command: 'other-gateway', args: ['gateway'] })).toBe(false);
    expect(runsGateway('mcpkey gateway')).toBe(false);
  });

  it('client status sees the gateway entry as mcpkey\'s, naming no single server', () => {
    expect(serversOf({ mcpkey: buildGatewayEntry('cursor', linux).entry, neon: { command: 'mcpkey', args: ['run', 'neon'] }, other: { command: 'npx', args: ['x'] } })).toEqual([
      { name: 'mcpkey', viaMcpkey: true, gateway: true },
      { name: 'neon', viaMcpkey: true, server: 'neon' },
      { name: 'other', viaMcpkey: false },
    ]);
  });
});
