import { UsageError } from '../errors.js';
import { formatSize, SECRET_VALUE_LIMIT } from '../limits.js';

/**
 * What a secret value must be to be stored: text that reaches a server unchanged. Bytes that are not
 * UTF-8 would become U+FFFD on the way (a changed value, silently), a NUL byte cannot be put in an
 * environment variable, and a value over the limit makes the system refuse to start the server.
 */
export function valueProblem(value: string): string | undefined {
  if (value.includes('\uFFFD')) return 'it is not valid UTF-8 (it has bytes that would be replaced by U+FFFD)';
  if (value.includes('\0')) return 'it contains a NUL byte, which no program can receive in its environment';
  const size = Buffer.byteLength(value);
  if (size > SECRET_VALUE_LIMIT) return `it is ${formatSize(Math.ceil(size / 1024) * 1024)}, over the limit of ${formatSize(SECRET_VALUE_LIMIT)}`;
  return undefined;
}

/** Refuses a value that could not be used as it is; the message says why, never what it is. */
export function assertStorableValue(name: string, value: string): void {
  if (value === '') {
    throw new UsageError(`refusing to store an empty value for ${name}`, `pipe the value in (e.g. printf %s "$KEY" | mcpkey secret set ${name}) or delete the secret instead`, 'empty_value');
  }
  const problem = valueProblem(value);
  if (problem) throw new UsageError(`refusing to store the value for ${name}: ${problem}`, `secrets are UTF-8 text of at most ${formatSize(SECRET_VALUE_LIMIT)}; a larger file belongs on disk, with its path as the secret`, 'invalid_value');
}

// ignoreBOM: a leading U+FEFF is part of the value as given, not a marker to drop.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const utf16 = { le: new TextDecoder('utf-16le', { fatal: true }), be: new TextDecoder('utf-16be', { fatal: true }) };

/**
 * Piped bytes as text, or undefined when they are neither UTF-8 nor UTF-16 with a byte order mark.
 * UTF-16 is what Windows PowerShell's `>` and Notepad's "Unicode" write: read as UTF-8 it is full of
 * NUL bytes. A UTF-8 BOM is kept: it is part of the bytes as given.
 */
export function decodeValue(bytes: Uint8Array): string | undefined {
  try {
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16.le.decode(bytes.subarray(2));
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return utf16.be.decode(bytes.subarray(2));
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whitespace at either end is almost always pasted by accident, and a server would reject the key. */
export function valueWarning(name: string, value: string): string | undefined {
  const leading = /^\s/.test(value);
  const trailing = /\s$/.test(value);
  if (!leading && !trailing) return undefined;
  const where = leading && trailing ? 'starts and ends' : leading ? 'starts' : 'ends';
  return `the value stored for ${name} ${where} with whitespace; if that was not meant, set it again without it`;
}
