import { describeMissing, type Readiness } from '../core/auth/classify.js';
import { findEntry } from '../core/catalog/index.js';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { assertServerName } from '../core/names.js';
import type { ToolCache } from './cache.js';
import type { OAuthFlows } from './oauth-flows.js';
import { textResult, type GatewayDeps, type ToolResult } from './types.js';
import { describeFailure, type Upstreams } from './upstreams.js';

/** What the gateway's own tools act on. */
export interface GatewayControl {
  deps: GatewayDeps;
  upstreams: Upstreams;
  cache: ToolCache;
  flows: OAuthFlows;
  /** The servers whose tools the client sees now. */
  exposed(): Promise<{ catalog: ResolvedEntry[]; servers: string[] }>;
  /** The session's own set follows mcp-add and mcp-remove (with --servers). */
  include(name: string): void;
  exclude(name: string): void;
  toolsChanged(): void;
}


function missingText(entry: ResolvedEntry, state: Readiness): string {
  const lines = [`${entry.name} is not enabled: it needs something that is not set up yet.`];
  const secrets = state.secrets.filter((secret) => !secret.optional && !secret.present);
  for (const secret of secrets) lines.push(`- the secret ${secret.name} (${secret.description})${secret.url ? `; get it at ${secret.url}` : ''}`);
  for (const item of state.missing) if (item.type !== 'secret' && item.type !== 'oauth') lines.push(`- ${describeMissing(item)}`);
  const commands = state.nextSteps.filter((step) => step.startsWith('mcpkey secret set'));
  if (commands.length) lines.push('', 'Run in a terminal (mcpkey asks for the value there; never paste it into this conversation):', ...commands.map((command) => `  ${command}`));
  const others = state.nextSteps.filter((step) => !step.startsWith('mcpkey '));
  if (others.length) lines.push('', ...others);
  lines.push('', `Then ask to add ${entry.name} again.`);
  return lines.join('\n');
}

async function enableAndList(control: GatewayControl, entry: ResolvedEntry, done: string): Promise<ToolResult> {
  await control.deps.enable(entry.name);
  control.include(entry.name);
  try {
    const tools = await control.upstreams.tools(entry);
    control.toolsChanged();
    const names = tools.map((tool) => `${entry.name}__${tool.name}`);
    return textResult(`${done}, ${tools.length} tool${tools.length === 1 ? '' : 's'} available${names.length ? `: ${names.join(', ')}` : ''}`);
  } catch (error) {
    control.toolsChanged();
    return textResult(`${entry.name} is enabled, but it could not be started: ${describeFailure(error)}`, true);
  }
}

async function add(control: GatewayControl, name: string): Promise<ToolResult> {
  const { catalog, servers } = await control.exposed();
  const entry = findEntry(catalog, assertServerName(name));
  const state = await control.deps.readiness(entry);
  const needsGrant = state.missing.some((item) => item.type === 'oauth');
  if (state.missing.some((item) => item.type !== 'oauth')) return textResult(missingText(entry, state), true);
  if (needsGrant) {
    const failed = control.flows.pending(entry.name) ? undefined : control.flows.lastFailure(entry.name);
    const link = await control.flows.start(entry);
    return textResult(
      `${failed ? `The last sign-in for ${entry.name} failed (${failed}); this is a new link.\n\n` : ''}To add ${entry.name}, the user must sign in at this link (open it in a browser on this machine):\n\n${link}\n\nmcpkey is waiting for the sign-in; when it is done, ${entry.name} is enabled and its tools appear. Ask to add ${entry.name} again to check.`,
    );
  }
  const already = servers.includes(entry.name);
  const done = state.kind === 'oauth' ? `${entry.name} is authorized` : already ? `${entry.name} is already enabled` : `Enabled ${entry.name}`;
  return enableAndList(control, entry, done);
}

async function remove(control: GatewayControl, name: string): Promise<ToolResult> {
  const result = await control.deps.disable(assertServerName(name));
  control.flows.drop(name);
  await control.upstreams.stop(name);
  control.exclude(name);
  control.cache.delete(name);
  control.toolsChanged();
  const parts = [result.wasEnabled ? `Removed ${name}: its tools are gone` : `${name} was not enabled`];
  if (result.grantCleared) parts.push('its OAuth grant was deleted');
  if (result.keychainError) parts.push(`but ${result.notDone.join(', ')} could not be removed: ${describeFailure(result.keychainError)}`);
  return textResult(parts.join('; '), result.keychainError !== undefined);
}

async function find(control: GatewayControl, query: string): Promise<ToolResult> {
  const { catalog, servers } = await control.exposed();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits = catalog.filter((entry) => words.every((word) => `${entry.name} ${entry.title} ${entry.description}`.toLowerCase().includes(word))).slice(0, 25);
  const found = [];
  for (const entry of hits) {
    const state = await control.deps.readiness(entry);
    found.push({ name: entry.name, title: entry.title, description: entry.description, kind: state.kind, enabled: servers.includes(entry.name), ready: state.ready, missing: state.missing.map(describeMissing) });
  }
  if (found.length === 0) return { ...textResult(`No server matches "${query}".`), structuredContent: { servers: [] } };
  const lines = found.map((hit) => `${hit.name} — ${hit.title} (${hit.kind}): ${hit.enabled ? 'enabled' : 'not enabled'}, ${hit.ready ? 'ready' : `missing ${hit.missing.join(', ')}`}\n  ${hit.description}`);
  return { ...textResult(`${lines.join('\n')}\n\nmcp-add NAME enables one.`), structuredContent: { servers: found } };
}

async function status(control: GatewayControl): Promise<ToolResult> {
  const { catalog, servers } = await control.exposed();
  const rows = [];
  for (const name of servers) {
    const entry = catalog.find((candidate) => candidate.name === name);
    const state = entry ? await control.deps.readiness(entry) : undefined;
    const lastError = control.upstreams.lastError(name) ?? (entry ? undefined : 'not in the catalog');
    rows.push({ name, running: control.upstreams.running(name), ready: state?.ready ?? false, tools: control.cache.get(name)?.tools.length ?? 0, ...(state && !state.ready ? { missing: state.missing.map(describeMissing) } : {}), ...(control.flows.pending(name) ? { authorizing: true } : {}), ...(lastError ? { lastError } : {}) });
  }
  const lines = rows.map((row) => `${row.name}: ${row.running ? 'running' : 'stopped'}, ${row.ready ? 'ready' : `not ready (missing ${(row.missing ?? []).join(', ')})`}, ${row.tools} tools${row.authorizing ? ', waiting for the sign-in' : ''}${row.lastError ? `, last error: ${row.lastError}` : ''}`);
  return { ...textResult(lines.length ? lines.join('\n') : 'No server is enabled. mcp-find searches the catalog; mcp-add enables one.'), structuredContent: { servers: rows } };
}

/** Runs one of the gateway's own tools; mcpkey's errors (unknown server, keychain) become tool errors the model can relay. */
export async function callOwnTool(control: GatewayControl, tool: string, args: Record<string, unknown>): Promise<ToolResult> {
  const name = typeof args.name === 'string' ? args.name.trim() : '';
  try {
    switch (tool) {
      case 'mcp-find':
        return await find(control, typeof args.query === 'string' ? args.query : '');
      case 'mcp-add':
        return await add(control, name);
      case 'mcp-remove':
        return await remove(control, name);
      default:
        return await status(control);
    }
  } catch (error) {
    return textResult(`mcpkey gateway: ${describeFailure(error)}`, true);
  }
}
