/**
 * Text that mcpkey did not write itself (a server's tool list, an authorization server's
 * error_description, a line of a file) may carry terminal control sequences: cursor moves, window
 * titles, clipboard writes (OSC 52), or bidi overrides that reorder what is shown. Such characters
 * are made visible as escapes instead of being acted on.
 * CommonJS, for tab completion's fast path (text.ts re-exports it to ES modules).
 */

/** C0 and C1 controls, DEL, and the Unicode format characters that reorder or break lines. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Every control character as `\xNN` (or `\uNNNN`), except those in `keep` (e.g. "\n\t" for multi-line text). */
function escapeControls(text: string, keep = ''): string {
  return text.replace(CONTROLS, (c) => (keep.includes(c) ? c : escapeOne(c)));
}

/** At most `max` characters, marked when cut. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 3))}...` : text;
}

/** Remote or file text for a one-line message: no control characters, and a bounded length. */
function untrusted(text: string, max = 300): string {
  return escapeControls(clip(text, max));
}

/** CONTROLS without C0: JSON.stringify escapes those in strings, and outside them they are its own layout. */
const BEYOND_C0 = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON whose strings carry no raw control or bidi characters: JSON.stringify escapes only C0, so
 * DEL, C1 and the Unicode format characters are turned into `\uNNNN` too. Those characters occur
 * only inside strings, so the result parses to exactly the same value.
 */
function safeJson(data: unknown, indent?: number): string {
  return JSON.stringify(data, null, indent).replace(BEYOND_C0, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export = { escapeControls, clip, untrusted, safeJson };
