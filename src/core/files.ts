import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { FILE_LIMIT, formatSize } from './limits.js';

/**
 * Reading a file mcpkey is pointed at (`.env.mcp`, `config.json`, an MCP client's file) without
 * trusting what it is: a FIFO would block forever, `/dev/zero` never ends, a directory is no file.
 * Anything but a regular file is refused before a byte is read, and so is one over the limit.
 */

/** Why a file was not read, beyond the system's own error codes. */
export interface FileRefusal extends Error {
  code: 'ENOTREG' | 'EFBIG';
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refusal(code: FileRefusal['code'], message: string): FileRefusal {
  return Object.assign(new Error(message), { code });
}

/** The bytes of a regular file of at most `limit` bytes. Errors carry `code` (ENOENT, EACCES, ENOTREG, EFBIG, …). */
export async function readBoundedFile(path: string, limit = FILE_LIMIT): Promise<Buffer> {
  // Non-blocking, so that opening a FIFO with no writer returns at once; no controlling terminal from a tty.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0)).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EISDIR' ? refusal('ENOTREG', 'it is a directory') : error;
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refusal('ENOTREG', `it is ${kindOf(info)}`);
    const tooLarge = () => refusal('EFBIG', `it is larger than ${formatSize(limit)}`);
    if (info.size > limit) throw tooLarge();
    // The size may change while reading, or be wrong (as for /proc files): never read past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge();
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** How a failed read is named in a message: "it is a FIFO", "it is larger than 10 MiB", or the error code. */
export function fileProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOTREG' || code === 'EFBIG') return message;
  return code ?? 'unreadable';
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of a file that must be UTF-8, or undefined when it is not (a BOM is dropped). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}
