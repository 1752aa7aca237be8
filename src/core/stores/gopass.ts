import { gpgFailure, checkStorePath } from './pass.js';
import { firstLineOf, runStoreCli, usableValue, type StoreCli } from './exec.js';
import type { StoreResolver } from './types.js';

const GOPASS: StoreCli = {
  command: 'gopass',
  title: 'gopass',
  install: 'install gopass (https://www.gopass.pw; Debian/Ubuntu: apt install gopass)',
};

const GPG_FAILED = /^Error: exit status 2\.?$/m;
const NOT_FOUND = /not in the password store|not found|could not find password|does not exist/i;

/**
 * gopass (gopasspw) prints only the password with `show -o`. The program Debian ships as `gopass`
 * (aviau/gopass 1.5) has no -o: it rejects the flag, and its `show` prints the whole entry, whose
 * first line is the password. Which one is installed is learnt on the first call and remembered.
 */
let withoutPasswordFlag = false;

export const resolver: StoreResolver = {
  scheme: 'gopass',
  check(ref) {
    checkStorePath(ref, 'gopass://<path> (e.g. gopass://team/neon/api-key)');
  },
  async resolve(ref, ctx) {
    const path = checkStorePath(ref, 'gopass://<path>');
    if (!withoutPasswordFlag) {
      const result = await runStoreCli(GOPASS, ['show', '-o', path], ref, ctx);
      if (result.code === 0) return usableValue(firstLineOf(usableValue(result.stdout, ref)), ref);
      if (!/flag provided but not defined: -o/.test(result.stderr)) throw gpgFailure(result, ref, 'gopass', NOT_FOUND, GPG_FAILED);
      withoutPasswordFlag = true;
    }
    const result = await runStoreCli(GOPASS, ['show', path], ref, ctx);
    if (result.code !== 0) throw gpgFailure(result, ref, 'gopass', NOT_FOUND, GPG_FAILED);
    return usableValue(firstLineOf(usableValue(result.stdout, ref)), ref);
  },
};
