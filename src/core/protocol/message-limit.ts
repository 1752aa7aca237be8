import { CliError, ExitCode } from '../errors.js';
import { limitedFetch } from '../http-body.js';
import { formatSize, MCP_MESSAGE_LIMIT } from '../limits.js';
import type { Fetch } from '../oauth/metadata.js';

/**
 * The ceiling on one MCP message from a server, on every transport: a JSON response, one event of
 * a server-sent event stream, one line of a stdio server. Past it the connection is closed, and
 * every request on it fails with this one error instead of waiting for its timeout.
 */
export class MessageGuard {
  exceeded: CliError | undefined;
  /** Closes the transport; set once it exists. */
  close: () => void = () => undefined;

  constructor(
    private readonly server: string,
    readonly limit = MCP_MESSAGE_LIMIT,
  ) {}

  trip(): CliError {
    this.exceeded ??= new CliError(`${this.server} sent an MCP message larger than ${formatSize(this.limit)}`, {
      code: 'message_too_large',
      exitCode: ExitCode.serverFailed,
      hint: "mcpkey stopped reading and closed the connection; report it to the server's maintainers",
    });
    // After the current read fails: the SDK then settles every pending request at once.
    setImmediate(() => this.close());
    return this.exceeded;
  }

  /** The transport's fetch, with each response (or each event of a stream) limited. */
  fetch(base: Fetch): Fetch {
    const events = (response: Response) => ((response.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream') ? 'events' : 'whole');
    return limitedFetch(base, this.limit, () => this.trip(), events);
  }

  /** The stdio transport reports its own overflow (its read buffer) as an error: recognise it. */
  watch(transport: { onerror?: ((error: Error) => void) | undefined }): void {
    transport.onerror = (error) => {
      if (/ReadBuffer exceeded maximum size/.test(error.message)) this.trip();
    };
  }
}
