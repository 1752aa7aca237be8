import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The Secret Service's encrypted transfer, "dh-ietf1024-sha256-aes128-cbc-pkcs7" (the one the keychain
 * library negotiates too, so values never cross the bus in the clear): a Diffie-Hellman exchange in
 * the 1024-bit MODP group of RFC 2409 (6.2), the shared value left-padded to 128 bytes, HKDF-SHA256
 * without salt or info to a 16-byte AES key; each secret is AES-128-CBC with PKCS#7 padding, its IV
 * in the secret's parameters. Plain BigInt arithmetic: Node's own DH objects cost tens of
 * milliseconds to set up, this a millisecond or two.
 */

export const ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';

/** RFC 2409, 6.2: the second Oakley group, generator 2 (a unit test compares it with Node's `modp2`). */
export const PRIME = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF',
);
const BYTES = 128;

function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (base %= modulus; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
  }
  return result;
}

const toBytes = (value: bigint) => Buffer.from(value.toString(16).padStart(BYTES * 2, '0'), 'hex');
const fromBytes = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex') || '0'}`);

export interface Transfer {
  /** Ours, to send with OpenSession. */
  publicKey: Buffer;
  /** The AES key agreed with the service, from the public key it answered with. */
  keyFor(servicePublicKey: Buffer): Buffer;
}

export function newTransfer(): Transfer {
  // 256 random bits: twice the strength of the group, as usual for short DH exponents.
  const exponent = fromBytes(randomBytes(32)) | 1n;
  return {
    publicKey: toBytes(power(2n, exponent, PRIME)),
    keyFor(servicePublicKey) {
      const theirs = fromBytes(servicePublicKey);
      if (servicePublicKey.length > BYTES || theirs <= 1n || theirs >= PRIME - 1n) throw new Error('the Secret Service sent an invalid public key');
      return Buffer.from(hkdfSync('sha256', toBytes(power(theirs, exponent, PRIME)), Buffer.alloc(0), Buffer.alloc(0), 16));
    },
  };
}

/** A secret's bytes; throws on a bad IV or padding. */
export function decrypt(key: Buffer, parameters: Buffer, encrypted: Buffer): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', key, parameters);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}
