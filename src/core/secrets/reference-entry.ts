import { UsageError } from '../errors.js';
import { untrusted } from '../text.js';
import { parseReference, type SecretReference } from '../stores/reference.js';

/**
 * How a reference is kept in the keychain, next to values: this prefix, then the reference. A value
 * stored with `secret set` is never read as a reference, even one that looks like `op://…`; only
 * `secret set --ref` writes the prefix (and a value that starts with it is refused).
 */
export const KEYCHAIN_REFERENCE_PREFIX = 'mcpkey-reference:';

export function keychainTextOf(ref: SecretReference): string {
  return `${KEYCHAIN_REFERENCE_PREFIX}${ref.text}`;
}

/**
 * A keychain entry's text as a literal value or a reference. A reference this mcpkey cannot read (a
 * newer one's store) is `unusable`: it is there, listed, and fails where its value is needed, never
 * used as a value.
 */
export function fromKeychainText(text: string): { value: string } | { reference: SecretReference } | { unusable: UsageError } {
  if (!text.startsWith(KEYCHAIN_REFERENCE_PREFIX)) return { value: text };
  const rest = text.slice(KEYCHAIN_REFERENCE_PREFIX.length);
  const reference = parseReference(rest);
  if (reference) return { reference };
  return { unusable: new UsageError(`the keychain holds a reference mcpkey does not understand (${untrusted(rest, 100)})`, 'upgrade mcpkey, or set the secret again with `mcpkey secret set NAME --ref REF`', 'invalid_reference') };
}
