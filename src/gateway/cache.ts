import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tool } from '@modelcontextprotocol/client';

/** The tools one server listed when it last ran: definitions only (the server's own words), no credential. */
export interface CachedTools {
  tools: Tool[];
  listedAt: string;
}

export const CACHE_FILE = 'gateway-tools.json';

/** The servers a full listing exposed, and the startup key (startup.ts) they were worked out under. */
export interface ExposedView {
  key: string;
  servers: string[];
}

const MAX_VIEWS = 8;

function isView(value: unknown): value is ExposedView {
  const view = value as ExposedView | null;
  return typeof view?.key === 'string' && Array.isArray(view.servers) && view.servers.every((name) => typeof name === 'string');
}

/**
 * The tool lists of the servers behind the gateway, kept under MCPKEY_HOME so a client sees every tool
 * at start without every server being started. Refreshed whenever a server runs; writes are serialised.
 */
export class ToolCache {
  private entries: Record<string, CachedTools> = {};
  /** Most recent first: one per place the gateway is started from (each project has its own). */
  private exposed: ExposedView[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(stateDir: string, private readonly log: (message: string) => void) {
    this.file = join(stateDir, CACHE_FILE);
  }

  async load(): Promise<void> {
    try {
      // Read at once (a few KiB, at start): node:fs/promises is not loaded for it.
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { servers?: Record<string, CachedTools>; exposed?: unknown };
      if (parsed.servers && typeof parsed.servers === 'object') this.entries = parsed.servers;
      if (Array.isArray(parsed.exposed)) this.exposed = parsed.exposed.filter(isView).slice(0, MAX_VIEWS);
    } catch {
      // No cache yet, or one that cannot be read: the servers are listed again.
    }
  }

  get(server: string): CachedTools | undefined {
    const entry = this.entries[server];
    return entry && Array.isArray(entry.tools) ? entry : undefined;
  }

  /** True when the list differs from what was cached. */
  set(server: string, tools: Tool[]): boolean {
    const before = this.get(server);
    const changed = !before || JSON.stringify(before.tools) !== JSON.stringify(tools);
    this.entries[server] = { tools, listedAt: new Date().toISOString() };
    this.save();
    return changed;
  }

  /** The view saved under `key`, if that is the one saved and every server in it has its tools here. */
  view(key: string): ExposedView | undefined {
    const view = this.exposed.find((candidate) => candidate.key === key);
    return view?.servers.every((server) => this.get(server)) ? view : undefined;
  }

  setView(view: ExposedView): void {
    const [latest] = this.exposed;
    if (latest?.key === view.key && latest.servers.join('\n') === view.servers.join('\n')) return;
    this.exposed = [view, ...this.exposed.filter((candidate) => candidate.key !== view.key)].slice(0, MAX_VIEWS);
    this.save();
  }

  delete(server: string): void {
    if (!(server in this.entries)) return;
    delete this.entries[server];
    this.save();
  }

  private save(): void {
    const text = `${JSON.stringify({ servers: this.entries, exposed: this.exposed }, null, 2)}\n`;
    this.writing = this.writing
      .then(async () => (await import('../core/atomic.js')).writeFileAtomic(this.file, text))
      .catch((error: Error) => this.log(`cannot write the tool cache ${this.file}: ${error.message}`));
  }

  /** Pending writes done (at shutdown). */
  flush(): Promise<void> {
    return this.writing;
  }
}
