// CommonJS, for tab completion's fast path (files.ts re-exports it to ES modules).
import fs = require('node:fs');
import limits = require('./limits.cjs');
import type { FileRefusal } from './files.js';

/**
 * Reading a file mcpkey is pointed at (`.env.mcp`, `config.json`, an MCP client's file) without
 * trusting what it is: a FIFO would block forever, `/dev/zero` never ends, a directory is no file.
 * Anything but a regular file is refused before a byte is read, and so is one over the limit.
 */

function kindOf(info: fs.Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refusal(code: FileRefusal['code'], message: string): FileRefusal {
  return Object.assign(new Error(message), { code });
}

/**
 * The bytes of a regular file of at most `limit` bytes. Errors carry `code` (ENOENT, EACCES, ENOTREG, EFBIG, …).
 * Read synchronously: the files are small (config.json, `.env.mcp`) and refused unless regular, and a read on
 * libuv's thread pool first starts the pool, which costs tab completion more than the read.
 */
function readBoundedFileSync(path: string, limit = limits.FILE_LIMIT): Buffer {
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO with no writer returns at once; no controlling terminal from a tty.
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'EISDIR' ? refusal('ENOTREG', 'it is a directory') : error;
  }
  try {
    const info = fs.fstatSync(fd);
    if (!info.isFile()) throw refusal('ENOTREG', `it is ${kindOf(info)}`);
    const tooLarge = () => refusal('EFBIG', `it is larger than ${limits.formatSize(limit)}`);
    if (info.size > limit) throw tooLarge();
    // The size may change while reading, or be wrong (as for /proc files): never read past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - total));
      const bytesRead = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge();
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** readBoundedFileSync for the callers that await it: a failure is a rejection. */
async function readBoundedFile(path: string, limit?: number): Promise<Buffer> {
  return readBoundedFileSync(path, limit);
}

/** How a failed read is named in a message: "it is a FIFO", "it is larger than 10 MiB", or the error code. */
function fileProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOTREG' || code === 'EFBIG') return message;
  return code ?? 'unreadable';
}

let strict: InstanceType<typeof TextDecoder> | undefined;

/** The text of a file that must be UTF-8, or undefined when it is not (a BOM is dropped). */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    strict ??= new TextDecoder('utf-8', { fatal: true });
    return strict.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

export = { readBoundedFile, readBoundedFileSync, fileProblem, decodeUtf8 };
