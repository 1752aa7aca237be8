import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tool } from '@modelcontextprotocol/client';
import { writeFileAtomic } from '../core/atomic.js';

/** The tools one server listed when it last ran: definitions only (the server's own words), no credential. */
export interface CachedTools {
  tools: Tool[];
  listedAt: string;
}

export const CACHE_FILE = 'gateway-tools.json';

/**
 * The tool lists of the servers behind the gateway, kept under MCPKEY_HOME so a client sees every tool
 * at start without every server being started. Refreshed whenever a server runs; writes are serialised.
 */
export class ToolCache {
  private entries: Record<string, CachedTools> = {};
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(stateDir: string, private readonly log: (message: string) => void) {
    this.file = join(stateDir, CACHE_FILE);
  }

  async load(): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as { servers?: Record<string, CachedTools> };
      if (parsed.servers && typeof parsed.servers === 'object') this.entries = parsed.servers;
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

  delete(server: string): void {
    if (!(server in this.entries)) return;
    delete this.entries[server];
    this.save();
  }

  private save(): void {
    const text = `${JSON.stringify({ servers: this.entries }, null, 2)}\n`;
    this.writing = this.writing
      .then(() => writeFileAtomic(this.file, text))
      .catch((error: Error) => this.log(`cannot write the tool cache ${this.file}: ${error.message}`));
  }

  /** Pending writes done (at shutdown). */
  flush(): Promise<void> {
    return this.writing;
  }
}
