import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBoundedFile } from '../../src/core/files.js';
import { limitResponse } from '../../src/core/http-body.js';
import { LineBuffer } from '../../src/core/protocol/line-buffer.js';

class TooLarge extends Error {}

/** A response whose body is these chunks, produced on demand, and how many of them were pulled. */
function streamed(chunks: () => Uint8Array | undefined, headers: Record<string, string> = {}): { response: Response; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks();
      if (chunk === undefined) controller.close();
      else {
        pulled += 1;
        controller.enqueue(chunk);
      }
    },
  });
  return { response: new Response(body, { headers }), pulled: () => pulled };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('limitResponse', () => {
  it('passes a body within the limit untouched, and fails one past it without reading on', async () => {
    const small = streamed(((n = 0) => () => (n++ < 4 ? bytes('abcd') : undefined))());
    expect(await limitResponse(small.response, 16, () => new TooLarge()).text()).toBe('abcd'.repeat(4));

    const endless = streamed(() => new Uint8Array(1024));
    await expect(limitResponse(endless.response, 10 * 1024, () => new TooLarge()).arrayBuffer()).rejects.toBeInstanceOf(TooLarge);
    expect(endless.pulled()).toBeLessThan(16);
  });

  it('refuses at once a Content-Length over the limit', async () => {
    const declared = streamed(() => bytes('x'), { 'content-length': String(1024 * 1024) });
    await expect(limitResponse(declared.response, 1024, () => new TooLarge()).text()).rejects.toBeInstanceOf(TooLarge);
    expect(declared.pulled()).toBeLessThanOrEqual(1);
  });

  it('counts each server-sent event on its own: a long stream of small events passes, one large event does not', async () => {
    const event = bytes('event: message\r\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\r\n\r\n');
    let sent = 0;
    const long = streamed(() => (sent++ < 2000 ? event : undefined));
    const text = await limitResponse(long.response, 1024, () => new TooLarge(), 'events').text();
    expect(text.length).toBe(2000 * event.length);

    // One event whose data lines go on and on, split across chunks at awkward places.
    const parts = ['data: ', 'a'.repeat(600), '\n', 'data: ', 'b'.repeat(600), '\n'];
    let i = 0;
    const large = streamed(() => (i < parts.length ? bytes(parts[i++]!) : undefined));
    await expect(limitResponse(large.response, 1024, () => new TooLarge(), 'events').text()).rejects.toBeInstanceOf(TooLarge);
  });
});

describe('readBoundedFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a regular file up to the limit, and refuses one byte more', async () => {
    await writeFile(join(dir, 'ok'), 'x'.repeat(100));
    expect((await readBoundedFile(join(dir, 'ok'), 100)).length).toBe(100);
    await writeFile(join(dir, 'big'), 'x'.repeat(101));
    await expect(readBoundedFile(join(dir, 'big'), 100)).rejects.toMatchObject({ code: 'EFBIG', message: 'it is larger than 100 bytes' });
  });

  it('refuses a FIFO (without blocking), a device and a directory before reading', async () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(readBoundedFile(fifo)).rejects.toMatchObject({ code: 'ENOTREG', message: 'it is a FIFO' });
    await expect(readBoundedFile('/dev/zero')).rejects.toMatchObject({ code: 'ENOTREG', message: 'it is a device' });
    await mkdir(join(dir, 'sub'));
    await expect(readBoundedFile(join(dir, 'sub'))).rejects.toMatchObject({ code: 'ENOTREG', message: 'it is a directory' });
    await expect(readBoundedFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never reads past the limit of a file whose size is not what it says (/proc)', async () => {
    await expect(readBoundedFile('/proc/self/maps', 16)).rejects.toMatchObject({ code: 'EFBIG' });
  });
});

describe('LineBuffer (stdio)', () => {
  const parse = (line: string) => JSON.parse(line) as unknown;

  it('splits messages across and within chunks, CRLF included, skipping lines that are not JSON', () => {
    const buffer = new LineBuffer(1024, parse);
    buffer.append(Buffer.from('{"a":1}\n{"b"'));
    expect(buffer.readMessage()).toEqual({ a: 1 });
    expect(buffer.readMessage()).toBeNull();
    buffer.append(Buffer.from(':2}\r\nnot json\n{"c":3}\n'));
    expect(buffer.readMessage()).toEqual({ b: 2 });
    expect(buffer.readMessage()).toEqual({ c: 3 });
    expect(buffer.readMessage()).toBeNull();
  });

  it('refuses a line over the limit with the error the transport reports', () => {
    const buffer = new LineBuffer(100, parse);
    buffer.append(Buffer.alloc(60, 0x61));
    expect(() => buffer.append(Buffer.alloc(60, 0x61))).toThrow('ReadBuffer exceeded maximum size of 100 bytes');
    expect(buffer.readMessage()).toBeNull();
  });

  it('is linear: a 64 MiB line in 64 KiB chunks is read in well under a second or two', () => {
    const buffer = new LineBuffer(80 * 1024 * 1024, (line) => line.length);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const started = Date.now();
    for (let i = 0; i < 1024; i += 1) {
      buffer.append(chunk);
      expect(buffer.readMessage()).toBeNull();
    }
    buffer.append(Buffer.from('\n'));
    expect(buffer.readMessage()).toBe(64 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
