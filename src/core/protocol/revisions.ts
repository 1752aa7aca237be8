import { UsageError } from '../errors.js';

/** The current revision: stateless, `server/discover`, per-request `_meta`. */
export const MODERN_REVISION = '2026-07-28';
/** The last revision of the `initialize` era; older ones (2025-06-18, 2025-03-26, 2024-11-05) negotiate inside it. */
export const LEGACY_REVISION = '2025-11-25';

/** `--protocol`: let mcpkey find out (the default), or force one era for the rare server that needs it. */
export type ProtocolChoice = 'auto' | typeof MODERN_REVISION | typeof LEGACY_REVISION;
export const PROTOCOL_CHOICES: readonly ProtocolChoice[] = ['auto', MODERN_REVISION, LEGACY_REVISION];

export function parseProtocolChoice(value: string | undefined): ProtocolChoice {
  if (value === undefined) return 'auto';
  if ((PROTOCOL_CHOICES as readonly string[]).includes(value)) return value as ProtocolChoice;
  throw new UsageError(`--protocol must be one of ${PROTOCOL_CHOICES.join(', ')}`, 'leave it out to let mcpkey negotiate', 'invalid_option');
}

export type Era = 'modern' | 'legacy';
