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
  // A prompt that could not be shown (no display for gcr-prompter) was an unlock prompt: before "absent", which
  // would take its ServiceUnknown for a missing Secret Service.
  ['locked', /unlock prompt was dismissed|IsLocked|is locked|locked object|keychain is locked|user interaction is not allowed|SystemPrompter|gcr-prompter|system prompt/i],
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

/** What the user's session can do: show an unlock prompt (a desktop) or only take typed commands (SSH, a container). */
export interface SessionFacts {
  platform?: NodeJS.Platform;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Unlocks (or creates) the login keyring from any shell (bash for its `read -s`), with the password
 * neither echoed nor kept in the history. `gnome-keyring-daemon --unlock` alone starts a second daemon instead of unlocking the
 * running one; `--replace` takes its place with the login keyring unlocked.
 */
export const GNOME_UNLOCK_COMMAND = `bash -c 'read -rsp "keyring password: " pw && printf %s "$pw" | gnome-keyring-daemon --replace --unlock'`;

/** A desktop can show the keyring's unlock prompt; an SSH session or a container cannot. */
export function canPrompt(env: Readonly<Record<string, string | undefined>>): boolean {
  const display = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  const remote = Boolean(env.SSH_CONNECTION || env.SSH_TTY);
  return display && !remote;
}

export function unlockHint(facts: SessionFacts = {}): string {
  const platform = facts.platform ?? process.platform;
  const env = facts.env ?? process.env;
  if (platform === 'darwin') return 'unlock the login keychain: run `security unlock-keychain` (it asks for the password, over SSH too) or use Keychain Access; then run the command again';
  if (platform === 'win32') return 'sign in to Windows again to unlock the Credential Manager, then run the command again';
  if (canPrompt(env)) return 'unlock the login keyring: answer its unlock prompt, or unlock "Login" in Passwords and Keys (Seahorse); then run the command again';
  return `no unlock prompt can be shown here (no desktop display): unlock the login keyring at the desktop (Passwords and Keys), or here run \`${GNOME_UNLOCK_COMMAND}\` with the keyring password (usually your login password); then run the command again`;
}

const OR_ENV = 'or provide the secret through an environment variable or a .env.mcp file';

/** Why there is no keychain, each with its own remedy. */
export type Absence = 'no-bus' | 'no-service' | 'no-keyring';

export function absenceOf(error: unknown): Absence {
  const message = messageOf(error);
  if (/no result found|NoDefaultStore/i.test(message)) return 'no-keyring';
  if (/ServiceUnknown|NameHasNoOwner|not provided by any \.service files/i.test(message)) return 'no-service';
  return 'no-bus';
}

const ABSENT: Record<Absence, { detail: string; hint: string }> = {
  // The detail of no-bus stays what it always was: scripts look for it.
  'no-bus': {
    detail: 'no Secret Service on the D-Bus session bus',
    hint: `there is no D-Bus session here (as over SSH or in a container): run mcpkey in your desktop session, or start a session with \`dbus-run-session -- bash\` and unlock the keyring in it with \`${GNOME_UNLOCK_COMMAND}\`; ${OR_ENV}`,
  },
  'no-service': {
    detail: 'no Secret Service on the D-Bus session bus',
    hint: `nothing provides the Secret Service on this D-Bus session: start one (gnome-keyring: \`gnome-keyring-daemon --start --components=secrets\`, or KeePassXC with its Secret Service integration); ${OR_ENV}`,
  },
  'no-keyring': {
    detail: 'the Secret Service has no default keyring',
    hint: `create the login keyring: \`${GNOME_UNLOCK_COMMAND}\` with a new password, or "New keyring" in Passwords and Keys set as default; ${OR_ENV}`,
  },
};

/** The one-line, secret-free error for a failure the keychain library reported. */
export function keychainFailure(error: unknown, context: { attempts?: number; elapsedMs?: number } & SessionFacts = {}): CliError {
  const problem = classifyKeychainFailure(error);
  switch (problem) {
    case 'absent': {
      const absent = ABSENT[absenceOf(error)];
      return new KeychainUnavailableError(absent.detail, error, absent.hint);
    }
    case 'locked':
      return new KeychainError('locked', 'the OS keychain is locked', unlockHint(context), error);
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
