/**
 * The stdio transport's read buffer, linear in what it reads. The SDK's own concatenates every chunk
 * onto everything unread, which costs seconds of CPU for one line of tens of MiB; mcpkey allows up to
 * the MCP message limit, so it keeps the chunks and joins them once, when a line is complete.
 * Same interface and same overflow error as the SDK's ReadBuffer.
 */
export class LineBuffer {
  private chunks: Buffer[] = [];
  /** Bytes not yet taken. */
  private size = 0;
  /** Of those, how many are known to hold no newline. */
  private scanned = 0;

  constructor(
    private readonly limit: number,
    private readonly parse: (line: string) => unknown,
  ) {}

  append(chunk: Buffer): void {
    if (this.size + chunk.length > this.limit) {
      this.clear();
      throw new Error(`ReadBuffer exceeded maximum size of ${this.limit} bytes`);
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The next complete message, or null; lines that are not JSON are skipped, as the SDK does. */
  readMessage(): unknown {
    for (;;) {
      const newline = this.findNewline();
      if (newline === -1) return null;
      const line = this.take(newline).toString('utf8').replace(/\r$/, '');
      try {
        return this.parse(line);
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
      }
    }
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.scanned = 0;
  }

  private findNewline(): number {
    let start = 0;
    for (const chunk of this.chunks) {
      const end = start + chunk.length;
      if (end > this.scanned) {
        const at = chunk.indexOf(0x0a, Math.max(0, this.scanned - start));
        if (at !== -1) return start + at;
      }
      start = end;
    }
    this.scanned = this.size;
    return -1;
  }

  /** The first `length` bytes, and the newline after them, out of the buffer. */
  private take(length: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    const line = all.subarray(0, length);
    const rest = all.subarray(length + 1);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    this.scanned = 0;
    return line;
  }
}
