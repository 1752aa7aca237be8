import { CliError, ExitCode, KeychainUnavailableError } from '../errors.js';

/**
 * What went wrong with the OS keychain, told apart because each needs something else from the user:
 * - absent: there is no keychain to talk to (no D-Bus session, no Secret Service, no default keyring);
 * - locked: it is there but locked, and nobody unlocked it;
 * - denied: it refused mcpkey (a dismissed access prompt, a policy);
 * - timeout: it did not answer in time (an overloaded or stuck Secret Service) — the one worth retrying;
 * - failed: anything else it reported.
 */
export type KeychainProblem = 'absent' | 'locked' | 'denied' | 'timeout' | 'failed';

const PATTERNS: Array<[KeychainProblem, RegExp]> = [
  // Before "absent": a reply timeout also mentions D-Bus.
  ['timeout', /did not receive a reply|NoReply|timed? ?out|Timeout|Resource temporarily unavailable|EAGAIN|Connection reset|Broken pipe|Disconnected|LimitsExceeded|maximum number of/i],
  ['locked', /unlock prompt was dismissed|IsLocked|is locked|locked object|keychain is locked|user interaction is not allowed/i],
  ['denied', /AccessDenied|access denied|permission denied|not allowed|prompt was dismissed|user cancel+ed|auth(?:entication)? failed/i],
  ['absent', /autolaunch|DBUS_SESSION_BUS_ADDRESS|address of the message bus|Failed to connect to socket|ServiceUnknown|NameHasNoOwner|not provided by any \.service files|no result found|NoDefaultStore|no such file|connection refused|secret service|dbus|zbus|org\.freedesktop/i],
];

function messageOf(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth += 1) {
    parts.push(current instanceof Error ? current.message : String(current));
  }
  return parts.join(' / ');
}

export function classifyKeychainFailure(error: unknown): KeychainProblem {
  const message = messageOf(error);
  for (const [problem, pattern] of PATTERNS) if (pattern.test(message)) return problem;
  return 'failed';
}

/** Only a keychain that did not answer is worth asking again; the others need the user. */
export function isTransient(problem: KeychainProblem): boolean {
  return problem === 'timeout';
}

/** A keychain failure other than "there is none" (that one stays a KeychainUnavailableError). Exit code 5 like it. */
export class KeychainError extends CliError {
  constructor(
    readonly problem: Exclude<KeychainProblem, 'absent'>,
    message: string,
    hint: string,
    cause?: unknown,
  ) {
    super(message, { code: `keychain_${problem}`, exitCode: ExitCode.keychainUnavailable, hint, cause });
    this.name = 'KeychainError';
  }
}

/** Every error that means "the keychain could not be used", whatever the reason. */
export function isKeychainError(error: unknown): error is KeychainUnavailableError | KeychainError {
  return error instanceof KeychainUnavailableError || error instanceof KeychainError;
}

function unlockHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'unlock your login keychain (Keychain Access, or `security unlock-keychain`), then run the command again';
  if (platform === 'win32') return 'sign in to Windows again to unlock the Credential Manager, then run the command again';
  return 'log in to your desktop session (it unlocks the keyring), or without one run `gnome-keyring-daemon --replace --unlock` and type the keyring password, then Ctrl-D; then run the command again';
}

/** The one-line, secret-free error for a failure the keychain library reported. */
export function keychainFailure(error: unknown, context: { attempts?: number; elapsedMs?: number; platform?: NodeJS.Platform } = {}): CliError {
  const problem = classifyKeychainFailure(error);
  const platform = context.platform ?? process.platform;
  switch (problem) {
    case 'absent':
      return new KeychainUnavailableError(/no result found/i.test(messageOf(error)) ? 'the Secret Service has no default keyring' : 'no Secret Service on the D-Bus session bus', error);
    case 'locked':
      return new KeychainError('locked', 'the OS keychain is locked', unlockHint(platform), error);
    case 'denied':
      return new KeychainError('denied', 'the OS keychain denied access to mcpkey', 'allow mcpkey when the keychain asks, or check the keychain’s access settings; then run the command again', error);
    case 'timeout': {
      const tried = context.attempts && context.attempts > 1 ? ` (asked ${context.attempts} times over ${Math.round((context.elapsedMs ?? 0) / 1000)} s)` : '';
      return new KeychainError('timeout', `the OS keychain did not answer in time${tried}`, 'the Secret Service (e.g. gnome-keyring) is overloaded or stuck: try again; if it persists, restart it', error);
    }
    default:
      return new KeychainError('failed', `the OS keychain failed (${firstLine(messageOf(error))})`, 'try again; if it persists, check the keychain (e.g. restart gnome-keyring)', error);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 160);
}
