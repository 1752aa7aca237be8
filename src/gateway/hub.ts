import type { Tool } from '@modelcontextprotocol/client';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { ToolCache } from './cache.js';
import { qualifiedName, routeName } from './naming.js';
import { DYNAMIC_TOOLS, OWN_TOOLS } from './own-tool-list.js';
import type { GatewayControl } from './own-tools.js';
import type { GatewaySettings, ToolResult } from './types.js';
import type { Upstreams } from './upstreams.js';

/**
 * What the gateway's client sessions share: the servers behind it, their tool cache, the pending
 * sign-ins and the session set of `--servers`. One stdio session has one; the HTTP transport gives
 * all its sessions the same one, so a server runs once and a sign-in is never started twice.
 */
export class GatewayHub {
  private readonly cache: ToolCache;
  /** The servers and the own tools' state: loaded with the first need of them, not for a listing from the cache. */
  private engine: Promise<{ upstreams: Upstreams; control: GatewayControl }> | undefined;
  private closing = false;
  private readonly listeners = new Set<() => void>();
  /** With --servers, the gateway's own set; otherwise the config's enabled list, read afresh. */
  private readonly chosen: Set<string> | undefined;
  private changePending = false;
  private started: Promise<void> | undefined;
  /** Bumped when --servers' set changes in the conversation (mcp-add, mcp-remove). */
  private chosenVersion = 0;
  /**
   * The exposed servers and the route of every tool name seen, worked out once per state: a call to a
   * running server then costs two map lookups, with no scan of the catalog and no re-filtering.
   */
  private view: { state: unknown; chosenVersion: number; catalog: ResolvedEntry[]; servers: string[]; entries: Map<string, ResolvedEntry>; routes: Map<string, { entry: ResolvedEntry; tool: string } | null> } | undefined;

  constructor(readonly settings: GatewaySettings) {
    this.chosen = settings.servers ? new Set(settings.servers) : undefined;
    this.cache = new ToolCache(settings.deps.stateDir, settings.log);
  }

  private ready(): Promise<{ upstreams: Upstreams; control: GatewayControl }> {
    this.engine ??= (async () => {
      const { deps, log } = this.settings;
      const [{ Upstreams }, { OAuthFlows }] = await Promise.all([import('./upstreams.js'), import('./oauth-flows.js')]);
      const upstreams = new Upstreams({ deps, cache: this.cache, idleMs: this.settings.idleMs, timeoutMs: this.settings.timeoutMs, log, onToolsChanged: () => this.toolsChanged() });
      const chosen = this.chosen;
      const control: GatewayControl = {
        deps,
        upstreams,
        cache: this.cache,
        exposed: () => this.exposed(),
        include: (name) => {
          chosen?.add(name);
          this.chosenVersion += 1;
        },
        exclude: (name) => {
          chosen?.delete(name);
          this.chosenVersion += 1;
        },
        toolsChanged: () => this.toolsChanged(),
        flows: new OAuthFlows(deps, log, async (entry) => {
          await deps.enable(entry.name);
          chosen?.add(entry.name);
          this.chosenVersion += 1;
          await upstreams.tools(entry);
          this.toolsChanged();
        }),
      };
      // Asked for while the hub closes: the servers stay shut, as they would have been.
      if (this.closing) await upstreams.closeAll();
      return { upstreams, control };
    })();
    return this.engine;
  }

  /**
   * Loads the cache, then (at once, or after a first `tools/list` answered from it: see listing) works
   * out the exposed servers and starts those with no cached list once, briefly, so clients see every
   * tool from the start.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.cache.load();
      if (!this.settings.startupKey) void this.prime();
    })();
    return this.started;
  }

  private priming: Promise<void> | undefined;

  private prime(): Promise<void> {
    const { deps, log } = this.settings;
    this.priming ??= (async () => {
      const { catalog, servers } = await this.exposed();
      await Promise.all(
        servers.map(async (name) => {
          const entry = catalog.find((candidate) => candidate.name === name)!;
          if (this.cache.get(name) || !(await deps.readiness(entry)).ready) return;
          await (await this.ready()).upstreams.prime(entry);
        }),
      );
    })().catch((error: Error) => log(`cannot list the enabled servers: ${error.message}`));
    return this.priming;
  }

  /** Called on every change of the tool set; returns the unsubscribe. */
  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A burst of changes (a server listed, then enabled) is told once. */
  private toolsChanged(): void {
    if (this.changePending) return;
    this.changePending = true;
    setTimeout(() => {
      this.changePending = false;
      for (const listener of this.listeners) listener();
    }, 20);
  }

  async exposed() {
    const view = await this.current();
    return { catalog: view.catalog, servers: view.servers };
  }

  /** The view for the state deps.state() answers now; rebuilt only when that answer or the set changes. */
  private async current() {
    const state = await this.settings.deps.state();
    if (this.view?.state === state && this.view.chosenVersion === this.chosenVersion) return this.view;
    const { catalog, enabled } = state;
    const entries = new Map(catalog.map((entry) => [entry.name, entry]));
    const servers = (this.chosen ? [...this.chosen] : enabled).filter((name) => entries.has(name));
    this.view = { state, chosenVersion: this.chosenVersion, catalog, servers, entries, routes: new Map() };
    return this.view;
  }

  private own(name: string): boolean {
    return OWN_TOOLS.some((tool) => tool.name === name) && (this.settings.dynamic || !DYNAMIC_TOOLS.has(name));
  }

  async listing(): Promise<Tool[]> {
    await this.start();
    // Read before the state: a change after it makes a key that no saved view matches.
    const key = await this.settings.startupKey?.();
    if (key !== undefined && this.priming === undefined) {
      const view = this.cache.view(key);
      if (view) {
        // The rest (catalog, config code, servers never listed) loads once this answer is on its way.
        setImmediate(() => void this.prime());
        return this.toolsOf(view.servers);
      }
    }
    await this.prime();
    const { servers } = await this.exposed();
    // Saved for the next start; not once mcp-add or mcp-remove changed --servers' set, which a restart resets.
    if (key !== undefined && this.chosenVersion === 0 && servers.every((server) => this.cache.get(server))) this.cache.setView({ key, servers });
    return this.toolsOf(servers);
  }

  private toolsOf(servers: readonly string[]): Tool[] {
    const tools = OWN_TOOLS.filter((tool) => this.own(tool.name));
    for (const server of servers) for (const tool of this.cache.get(server)?.tools ?? []) tools.push({ ...tool, name: qualifiedName(server, tool.name) });
    return tools;
  }

  /** A `tools/call`: the gateway's own tools, or routed to `<server>`; an unknown name is JSON-RPC -32602. */
  /** `onProgress`: the server's progress notifications for this call, when the client asked for them. */
  async callTool(params: Record<string, unknown>, signal: AbortSignal, onProgress?: (params: Record<string, unknown>) => void): Promise<ToolResult> {
    await this.start();
    const name = String(params.name ?? '');
    const args = (params.arguments ?? {}) as Record<string, unknown>;
    // What they do loads with the first of them (it needs the catalog code): listing them needs only their definitions.
    if (this.own(name)) {
      const [{ callOwnTool }, { control }] = await Promise.all([import('./own-tools.js'), this.ready()]);
      return callOwnTool(control, name, args);
    }
    const view = await this.current();
    let route = view.routes.get(name);
    if (route === undefined) {
      const found = routeName(name, view.servers);
      route = found ? { entry: view.entries.get(found.server)!, tool: found.tool } : null;
      // Names are the client's: only those that route are kept, so the map stays as small as the tool set.
      if (route) view.routes.set(name, route);
    }
    if (!route) throw Object.assign(new Error(`Unknown tool: ${name}`), { code: -32602 });
    return (await this.ready()).upstreams.call(route.entry, route.tool, args, signal, onProgress);
  }

  /** Stops every server and writes the cache. */
  async close(): Promise<void> {
    this.closing = true;
    await (await this.engine)?.upstreams.closeAll();
    await this.cache.flush();
  }
}
