// CommonJS, for tab completion's fast path (files.ts re-exports it to ES modules).
import fs = require('node:fs');
import util = require('node:util');
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

// node:fs's own calls: loading node:fs/promises costs a tenth of a node start, and tab completion reads config.json.
const open = util.promisify(fs.open);
const stat = util.promisify(fs.fstat);
const read = util.promisify(fs.read);
const close = util.promisify(fs.close);

function refusal(code: FileRefusal['code'], message: string): FileRefusal {
  return Object.assign(new Error(message), { code });
}

/** The bytes of a regular file of at most `limit` bytes. Errors carry `code` (ENOENT, EACCES, ENOTREG, EFBIG, …). */
async function readBoundedFile(path: string, limit = limits.FILE_LIMIT): Promise<Buffer> {
  // Non-blocking, so that opening a FIFO with no writer returns at once; no controlling terminal from a tty.
  const fd = await open(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0)).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EISDIR' ? refusal('ENOTREG', 'it is a directory') : error;
  });
  try {
    const info = await stat(fd);
    if (!info.isFile()) throw refusal('ENOTREG', `it is ${kindOf(info)}`);
    const tooLarge = () => refusal('EFBIG', `it is larger than ${limits.formatSize(limit)}`);
    if (info.size > limit) throw tooLarge();
    // The size may change while reading, or be wrong (as for /proc files): never read past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - total));
      const { bytesRead } = await read(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge();
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await close(fd);
  }
}

/** How a failed read is named in a message: "it is a FIFO", "it is larger than 10 MiB", or the error code. */
function fileProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOTREG' || code === 'EFBIG') return message;
  return code ?? 'unreadable';
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of a file that must be UTF-8, or undefined when it is not (a BOM is dropped). */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

export = { readBoundedFile, fileProblem, decodeUtf8 };
