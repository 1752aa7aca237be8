import type { ResolvedEntry } from '../core/catalog/types.js';
import type { GatewayDeps } from './types.js';
import { describeFailure } from './upstreams.js';

interface Flow {
  link: Promise<string>;
  done: Promise<void>;
}

/**
 * Authorizations the gateway runs in the background for mcp-add: one loopback flow per server at a
 * time. Asking again while one is pending gets the same link; no browser is ever opened here — the
 * link goes back to the client in the tool result.
 */
export class OAuthFlows {
  private readonly flows = new Map<string, Flow>();
  /** Why the last sign-in of a server failed, until a new one starts. */
  private readonly failures = new Map<string, string>();
  private readonly dropped = new Set<string>();

  constructor(
    private readonly deps: GatewayDeps,
    private readonly log: (message: string) => void,
    /** The grant is stored: enable the server, list its tools, tell the client. */
    private readonly onAuthorized: (entry: ResolvedEntry) => Promise<void>,
  ) {}

  pending(server: string): boolean {
    return this.flows.has(server);
  }

  /**
   * mcp-remove while a sign-in is pending: the flow cannot be recalled from the browser, so a grant it
   * still brings is cleared again instead of enabling the server.
   */
  drop(server: string): void {
    if (this.flows.has(server)) this.dropped.add(server);
  }

  lastFailure(server: string): string | undefined {
    return this.failures.get(server);
  }

  /** The link of the pending flow, or of a new one. Rejects when the flow fails before it has a link. */
  start(entry: ResolvedEntry): Promise<string> {
    const existing = this.flows.get(entry.name);
    // Added again after a remove: the pending flow counts once more.
    this.dropped.delete(entry.name);
    if (existing) return existing.link;
    this.failures.delete(entry.name);
    let gotLink!: (url: string) => void;
    const link = new Promise<string>((resolve) => (gotLink = resolve));
    const done = this.deps.authorize(entry, gotLink);
    const flow: Flow = { link: Promise.race([link, done.then(() => Promise.reject(new Error('the authorization ended without a link')))]), done };
    this.flows.set(entry.name, flow);
    done.then(
      async () => {
        this.flows.delete(entry.name);
        if (this.dropped.delete(entry.name)) {
          this.log(`${entry.name} was removed while its sign-in was pending: its new grant is cleared`);
          await this.deps.disable(entry.name).catch((error: unknown) => this.log(`${entry.name}: ${describeFailure(error)}`));
          return;
        }
        this.log(`authorized ${entry.name}`);
        await this.onAuthorized(entry).catch((error: unknown) => this.log(`${entry.name}: ${describeFailure(error)}`));
      },
      (error: unknown) => {
        this.flows.delete(entry.name);
        this.dropped.delete(entry.name);
        this.failures.set(entry.name, describeFailure(error));
        this.log(`the authorization of ${entry.name} failed: ${describeFailure(error)}`);
      },
    );
    // Unobserved when the link came first and the flow failed later: reported through the log.
    flow.link.catch(() => undefined);
    return flow.link;
  }
}
