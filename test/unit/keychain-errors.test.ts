import { describe, expect, it } from 'vitest';
import { ExitCode, KeychainUnavailableError } from '../../src/core/errors.js';
import { classifyKeychainFailure, isKeychainError, keychainFailure, KeychainError } from '../../src/core/secrets/keychain-errors.js';
import { KeychainReader } from '../../src/core/secrets/reader.js';
import { isRetryFailure, OUT_OF_TIME, retrying, type RetryFailure } from '../../src/core/secrets/retry.js';
import { MemoryKeychain } from './memory-keychain.js';

/** What @napi-rs/keyring 2.x actually says (seen against gnome-keyring), wrapped the way it wraps them. */
function libraryError(message: string): Error {
  const inner = new Error(message.replace(/^(Platform failure|Couldn't access platform storage): /, ''));
  return Object.assign(new Error(message, { cause: inner }), { code: 'GenericFailure' });
}

const SEEN = {
  timeout: 'Platform failure: DBus error: Did not receive a reply. Possible causes include: the remote application did not send a reply, the message bus security policy blocked the reply, the reply timeout expired, or the network connection was broken.',
  lockedRead: "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
  lockedList: 'zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object',
  noBus: 'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
  noSocket: 'Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory',
  noService: 'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
  noKeyring: "Couldn't access platform storage: Secret Service: no result found",
  denied: 'Platform failure: DBus error: org.freedesktop.DBus.Error.AccessDenied: Rejected send message',
  busy: 'Platform failure: DBus error: Failed to connect to socket /tmp/dbus-x: Resource temporarily unavailable',
  // What gnome-keyring logs when it cannot show its unlock prompt (no display): a prompt, not a missing Secret Service.
  noPrompter: 'Platform failure: DBus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.gnome.keyring.SystemPrompter was not provided by any .service files',
};

const HEADLESS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' };
const DESKTOP = { ...HEADLESS, DISPLAY: ':0' };
const SSH = { ...DESKTOP, SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' };

describe('classifyKeychainFailure', () => {
  it.each([
    ['timeout', SEEN.timeout],
    ['timeout', SEEN.busy],
    ['locked', SEEN.lockedRead],
    ['locked', SEEN.lockedList],
    ['absent', SEEN.noBus],
    ['absent', SEEN.noSocket],
    ['absent', SEEN.noService],
    ['absent', SEEN.noKeyring],
    ['denied', SEEN.denied],
    ['locked', SEEN.noPrompter],
    ['failed', 'Password data is not valid UTF-8'],
  ])('%s: %s', (problem, message) => {
    expect(classifyKeychainFailure(libraryError(message))).toBe(problem);
  });
});

describe('keychainFailure: one line, a code and a hint per problem, exit code 5', () => {
  it('timeout, locked, absent and denied read differently and carry different codes', () => {
    const errors = [SEEN.timeout, SEEN.lockedRead, SEEN.noBus, SEEN.denied].map((message) => keychainFailure(libraryError(message), { attempts: 7, elapsedMs: 30_400, platform: 'linux', env: HEADLESS }));
    expect(errors.map((error) => error.code)).toEqual(['keychain_timeout', 'keychain_locked', 'keychain_unavailable', 'keychain_denied']);
    expect(new Set(errors.map((error) => error.message)).size).toBe(4);
    expect(new Set(errors.map((error) => error.hint)).size).toBe(4);
    for (const error of errors) {
      expect(error.exitCode).toBe(ExitCode.keychainUnavailable);
      expect(isKeychainError(error)).toBe(true);
      expect(`${error.message}${error.hint}`).not.toContain('\n');
    }
    expect(errors[0]!.message).toBe('the OS keychain did not answer in time (asked 7 times over 30 s)');
    expect(errors[1]).toBeInstanceOf(KeychainError);
    expect(errors[1]!.message).toBe('the OS keychain is locked');
    expect(errors[1]!.hint).toMatch(/^no unlock prompt can be shown here .*`bash -c 'read -rsp "keyring password: " pw && printf %s "\$pw" \| gnome-keyring-daemon --replace --unlock'`/);
    // The absent case stays what it always was, for scripts that look for it.
    expect(errors[2]).toBeInstanceOf(KeychainUnavailableError);
    expect(errors[2]!.message).toBe('the OS keychain is unavailable (no Secret Service on the D-Bus session bus)');
  });

  it('a locked keyring: the prompt on a desktop, a command over SSH or without a display', () => {
    const hint = (env: Record<string, string>) => keychainFailure(libraryError(SEEN.lockedRead), { platform: 'linux', env }).hint!;
    expect(hint(DESKTOP)).toMatch(/^unlock the login keyring: answer its unlock prompt, or unlock "Login" in Passwords and Keys \(Seahorse\)/);
    expect(hint(DESKTOP)).not.toContain('gnome-keyring-daemon');
    for (const env of [SSH, HEADLESS, { ...HEADLESS, WAYLAND_DISPLAY: 'wayland-0', SSH_TTY: '/dev/pts/3' }]) {
      expect(hint(env)).toMatch(/^no unlock prompt can be shown here \(no desktop display\).*gnome-keyring-daemon --replace --unlock/);
    }
    expect(hint(DESKTOP)).not.toMatch(/start a Secret Service|no Secret Service/);
  });

  it('no keychain: no bus, no Secret Service on the bus, no default keyring: each with its own remedy and the env fallback', () => {
    const absent = (message: string) => keychainFailure(libraryError(message), { platform: 'linux', env: HEADLESS });
    const [noBus, noService, noKeyring] = [SEEN.noBus, SEEN.noService, SEEN.noKeyring].map(absent);
    expect(noBus!.hint).toMatch(/^there is no D-Bus session here .*`dbus-run-session -- bash`/);
    expect(absent(SEEN.noSocket).hint).toBe(noBus!.hint);
    expect(noService!.message).toBe('the OS keychain is unavailable (no Secret Service on the D-Bus session bus)');
    expect(noService!.hint).toMatch(/^nothing provides the Secret Service on this D-Bus session: start one \(gnome-keyring: `gnome-keyring-daemon --start --components=secrets`/);
    expect(noKeyring!.message).toBe('the OS keychain is unavailable (the Secret Service has no default keyring)');
    expect(noKeyring!.hint).toMatch(/^create the login keyring: .*gnome-keyring-daemon --replace --unlock/);
    for (const error of [noBus, noService, noKeyring]) {
      expect(error).toBeInstanceOf(KeychainUnavailableError);
      expect(error!.code).toBe('keychain_unavailable');
      expect(error!.hint).toMatch(/or provide the secret through an environment variable or a \.env\.mcp file$/);
    }
  });

  it('says how to unlock on each platform', () => {
    expect(keychainFailure(libraryError(SEEN.lockedRead), { platform: 'darwin', env: SSH }).hint).toMatch(/run `security unlock-keychain`/);
    expect(keychainFailure(libraryError(SEEN.lockedRead), { platform: 'win32' }).hint).toMatch(/sign in to Windows/);
  });

  it('an exhausted budget while an attempt still ran is a timeout', () => {
    expect(keychainFailure(OUT_OF_TIME).code).toBe('keychain_timeout');
  });
});

describe('retrying', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms), advance: (ms: number) => (now += ms) };
  };

  it('asks again after transient failures, with growing waits, and returns the answer', async () => {
    const time = clock();
    const waits: number[] = [];
    let calls = 0;
    const result = await retrying(
      async () => {
        calls += 1;
        if (calls < 4) throw libraryError(SEEN.timeout);
        return 'value';
      },
      { budgetMs: 30_000, transient: (e) => classifyKeychainFailure(e) === 'timeout', now: time.now, sleep: async (ms) => (waits.push(ms), time.sleep(ms)) },
    );
    expect(result).toEqual({ value: 'value', attempts: 4, hadTransient: true });
    expect(waits).toHaveLength(3);
    expect(waits[1]!).toBeGreaterThanOrEqual(100);
    expect(waits[2]!).toBeGreaterThanOrEqual(200);
  });

  it('does not ask again after a failure that needs the user (locked)', async () => {
    let calls = 0;
    const failure = (await retrying(
      async () => {
        calls += 1;
        throw libraryError(SEEN.lockedRead);
      },
      { budgetMs: 30_000, transient: (e) => classifyKeychainFailure(e) === 'timeout' },
    ).catch((e: unknown) => e)) as RetryFailure;
    expect(isRetryFailure(failure)).toBe(true);
    expect([calls, failure.attempts]).toEqual([1, 1]);
  });

  it('gives up when the budget is spent, each attempt costing the library its 2 s', async () => {
    const time = clock();
    const failure = (await retrying(
      async () => {
        time.advance(2_000);
        throw libraryError(SEEN.timeout);
      },
      { budgetMs: 30_000, transient: () => true, now: time.now, sleep: time.sleep },
    ).catch((e: unknown) => e)) as RetryFailure;
    expect(failure.attempts).toBeGreaterThan(5);
    expect(failure.elapsedMs).toBeLessThanOrEqual(32_000);
    expect(failure.elapsedMs).toBeGreaterThan(25_000);
  });

  it('abandons an attempt that is still running when the budget ends', async () => {
    const failure = (await retrying(() => new Promise<never>(() => undefined), { budgetMs: 50, transient: () => true }).catch((e: unknown) => e)) as RetryFailure;
    expect(failure.error).toBe(OUT_OF_TIME);
  });
});

describe('KeychainReader: round trips per command', () => {
  function counted(initial: Record<string, string>) {
    const keychain = new MemoryKeychain(initial);
    let gets = 0;
    const get = keychain.get.bind(keychain);
    keychain.get = async (account) => ((gets += 1), get(account));
    return { keychain, gets: () => gets };
  }

  it('one read for one account, asked once; a listing after a few distinct accounts answers the rest', async () => {
    const { keychain, gets } = counted({ 'a.x': '1', 'oauth:demo': '{}', 'c.z': '3', 'd.w': '4' });
    const reader = new KeychainReader(keychain);
    expect(await reader.read('oauth:demo')).toBe('{}');
    expect(await reader.read('oauth:demo')).toBe('{}');
    expect([gets(), keychain.entriesCalls]).toEqual([1, 0]);
    await reader.read('a.x');
    await reader.read('b.y');
    expect([gets(), keychain.entriesCalls]).toEqual([3, 0]);
    expect(await reader.read('c.z')).toBe('3');
    expect(await reader.read('d.w')).toBe('4');
    expect(await reader.read('e.v')).toBeUndefined();
    expect([gets(), keychain.entriesCalls]).toEqual([3, 1]);
  });

  it('after a listing, reads come from it; invalidate makes it ask again', async () => {
    const { keychain, gets } = counted({ 'a.x': '1' });
    const reader = new KeychainReader(keychain);
    await reader.all();
    expect(await reader.read('a.x')).toBe('1');
    expect(gets()).toBe(0);
    keychain.store.set('a.x', '2');
    reader.invalidate();
    expect(await reader.read('a.x')).toBe('2');
    expect([gets(), keychain.entriesCalls]).toEqual([1, 1]);
  });
});
