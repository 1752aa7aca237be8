import type { Tool } from '@modelcontextprotocol/client';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { ToolCache } from './cache.js';
import { qualifiedName, routeName } from './naming.js';
import { OAuthFlows } from './oauth-flows.js';
import { callOwnTool, DYNAMIC_TOOLS, OWN_TOOLS, type GatewayControl } from './own-tools.js';
import type { GatewaySettings, ToolResult } from './types.js';
import { Upstreams } from './upstreams.js';

/**
 * What the gateway's client sessions share: the servers behind it, their tool cache, the pending
 * sign-ins and the session set of `--servers`. One stdio session has one; the HTTP transport gives
 * all its sessions the same one, so a server runs once and a sign-in is never started twice.
 */
export class GatewayHub {
  private readonly cache: ToolCache;
  private readonly upstreams: Upstreams;
  private readonly control: GatewayControl;
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
    const { deps, log } = settings;
    this.chosen = settings.servers ? new Set(settings.servers) : undefined;
    this.cache = new ToolCache(deps.stateDir, log);
    this.upstreams = new Upstreams({ deps, cache: this.cache, idleMs: settings.idleMs, timeoutMs: settings.timeoutMs, log, onToolsChanged: () => this.toolsChanged() });
    const chosen = this.chosen;
    this.control = {
      deps,
      upstreams: this.upstreams,
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
        await this.upstreams.tools(entry);
        this.toolsChanged();
      }),
    };
  }

  /** Loads the cache; servers with no cached list are started once, briefly, so clients see every tool from the start. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.cache.load();
      const { deps, log } = this.settings;
      const prime = (async () => {
        const { catalog, servers } = await this.exposed();
        await Promise.all(
          servers.map(async (name) => {
            const entry = catalog.find((candidate) => candidate.name === name)!;
            if (this.cache.get(name) || !(await deps.readiness(entry)).ready) return;
            await this.upstreams.prime(entry);
          }),
        );
      })().catch((error: Error) => log(`cannot list the enabled servers: ${error.message}`));
      this.priming = prime;
    })();
    return this.started;
  }

  private priming: Promise<void> = Promise.resolve();

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
    await this.priming;
    const { servers } = await this.exposed();
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
    if (this.own(name)) return callOwnTool(this.control, name, args);
    const view = await this.current();
    let route = view.routes.get(name);
    if (route === undefined) {
      const found = routeName(name, view.servers);
      route = found ? { entry: view.entries.get(found.server)!, tool: found.tool } : null;
      // Names are the client's: only those that route are kept, so the map stays as small as the tool set.
      if (route) view.routes.set(name, route);
    }
    if (!route) throw Object.assign(new Error(`Unknown tool: ${name}`), { code: -32602 });
    return this.upstreams.call(route.entry, route.tool, args, signal, onProgress);
  }

  /** Stops every server and writes the cache. */
  async close(): Promise<void> {
    await this.upstreams.closeAll();
    await this.cache.flush();
  }
}
