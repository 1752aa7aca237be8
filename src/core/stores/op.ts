import { firstLine, invalidReference, StoreError, StoreItemNotFoundError } from './errors.js';
import { runStoreCli, usableValue, type StoreCli } from './exec.js';
import type { SecretReference } from './reference.js';
import type { StoreResolver } from './types.js';

const OP: StoreCli = {
  command: 'op',
  title: 'the 1Password CLI (op)',
  install: 'install the 1Password CLI: https://developer.1password.com/docs/cli/get-started/ (Debian/Ubuntu: the 1password-cli package from 1Password\'s apt repository)',
};

const SHAPE = 'op://<vault>/<item>/[<section>/]<field> (1Password\'s secret reference)';

/** 1Password's own syntax: three or four segments, an optional `?attribute=…` query; `op read` parses the rest. */
function check(ref: SecretReference): void {
  const path = ref.rest.split('?')[0]!;
  const segments = path.split('/');
  if (segments.length < 3 || segments.length > 4 || segments.some((segment) => segment.trim() === '')) throw invalidReference(ref, SHAPE);
}

const NOT_SIGNED_IN = /not currently signed in|not signed in|no accounts? configured|session (has )?expired|sign ?in|authorization prompt dismissed|unauthorized/i;
const NOT_FOUND = /isn't an item|isn't a vault|isn't a field|does not have a field|no item found|could not find|not found|doesn't exist|does not exist/i;
const DENIED = /permission|forbidden|not allowed|access denied/i;

export const resolver: StoreResolver = {
  scheme: 'op',
  check,
  async resolve(ref, ctx) {
    check(ref);
    // --no-newline: the value exactly as stored.
    const result = await runStoreCli(OP, ['read', '--no-newline', ref.text], ref, ctx);
    if (result.code === 0) return usableValue(result.stdout, ref);
    const text = result.stderr;
    if (DENIED.test(text)) throw new StoreError('store_permission_denied', ref, `1Password refused access (${firstLine(text)})`, 'ask for access to that vault, or check the account with `op whoami`');
    if (NOT_SIGNED_IN.test(text)) throw new StoreError('store_not_signed_in', ref, 'not signed in to 1Password', 'sign in with `op signin` (or turn on the desktop app integration), or set OP_SERVICE_ACCOUNT_TOKEN in CI');
    if (NOT_FOUND.test(text)) throw new StoreItemNotFoundError(ref, `1Password has no such vault, item or field (${firstLine(text)})`, 'check the reference: in 1Password, "Copy Secret Reference" on the field gives it exactly');
    throw new StoreError('store_failed', ref, `op exited with ${result.code}${text.trim() ? `: ${firstLine(text)}` : ''}`, `run \`op read '${ref.text}'\` to see what 1Password says`);
  },
};
