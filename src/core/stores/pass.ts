import { homedir } from 'node:os';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import type { Env } from '../config/paths.js';
import { firstLine, invalidReference, StoreError, StoreItemNotFoundError } from './errors.js';
import { firstLineOf, runStoreCli, usableValue, type CliResult, type StoreCli } from './exec.js';
import type { SecretReference } from './reference.js';
import type { StoreContext, StoreResolver } from './types.js';

const PASS: StoreCli = { command: 'pass', title: 'pass', install: 'install pass (Debian/Ubuntu: apt install pass; see https://www.passwordstore.org)' };

/** A store path: no leading dash (it would read as an option), no empty or `..` segments. */
export function checkStorePath(ref: SecretReference, expected: string): string {
  const path = ref.rest.replace(/\/+$/, '');
  const segments = path.split('/');
  if (path.startsWith('-') || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) throw invalidReference(ref, expected);
  return path;
}

/** What gpg says when the key a store is encrypted to cannot be used: missing, locked with nobody to unlock it, or refused. */
const KEY_UNAVAILABLE = /no secret key|decryption failed|bad passphrase|no pinentry|pinentry|operation cancelled|inappropriate ioctl|card error|no agent running|can't connect to the agent/i;

/**
 * The failures pass and gopass share: gpg's, and "no such entry". `keyUnavailable`: what else the
 * store prints when gpg could not decrypt (Debian's gopass 1.5 swallows gpg's own message and says
 * only "exit status 2", gpg's exit code for a failed decryption).
 */
export function gpgFailure(result: CliResult, ref: SecretReference, store: string, notFound: RegExp, keyUnavailable?: RegExp): StoreError {
  const text = result.stderr;
  if (notFound.test(text)) return new StoreItemNotFoundError(ref, `no such entry in the ${store} store`, `list the entries with \`${store} ls\`, or add it with \`${store} insert ${ref.rest}\``);
  if (KEY_UNAVAILABLE.test(text) || keyUnavailable?.test(text)) {
    const said = text.match(/gpg: .*/)?.[0]?.slice(5) ?? text;
    return new StoreError('store_not_signed_in', ref, `the GPG key the ${store} store is encrypted to is not available or locked (${store}: ${firstLine(said)})`, `import the secret key (gpg --import) or unlock it: run \`${store} show ${ref.rest}\` once at a terminal (gpg-agent then keeps it unlocked)`);
  }
  return new StoreError('store_failed', ref, `${store} exited with ${result.code}${text.trim() ? `: ${firstLine(text)}` : ''}`, `run \`${store} show ${ref.rest}\` to see what the store says`);
}

function storeDir(env: Env): string {
  return env.PASSWORD_STORE_DIR || join(env.HOME || homedir(), '.password-store');
}

function isKind(path: string, kind: 'file' | 'directory'): boolean {
  try {
    const info = statSync(path);
    return kind === 'file' ? info.isFile() : info.isDirectory();
  } catch {
    return false;
  }
}

export const resolver: StoreResolver = {
  scheme: 'pass',
  check(ref) {
    checkStorePath(ref, 'pass://<path> (e.g. pass://team/neon/api-key)');
  },
  async resolve(ref, ctx: StoreContext) {
    const path = checkStorePath(ref, 'pass://<path>');
    const result = await runStoreCli(PASS, ['show', path], ref, ctx);
    if (result.code !== 0) throw gpgFailure(result, ref, 'pass', /is not in the password store|password store is empty/i);
    // `pass show <folder>` lists the folder and succeeds: that is not a value.
    const dir = storeDir(ctx.env);
    if (isKind(join(dir, path), 'directory') && !isKind(join(dir, `${path}.gpg`), 'file')) {
      throw new StoreItemNotFoundError(ref, 'that is a folder of the pass store, not an entry', `name an entry in it (\`pass ls ${path}\` lists them)`);
    }
    return usableValue(firstLineOf(usableValue(result.stdout, ref)), ref);
  },
};

