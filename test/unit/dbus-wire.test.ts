import { createCipheriv, getDiffieHellman, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeCall } from '../../src/core/secrets/dbus/bus.js';
import { unixSocketPath } from '../../src/core/secrets/dbus/connect.js';
import { decrypt, newTransfer, PRIME } from '../../src/core/secrets/dbus/transfer.js';
import { Reader, Writer } from '../../src/core/secrets/dbus/wire.js';

const roundTrip = (signature: string, values: unknown[]) => {
  const bytes = Buffer.from(new Writer().writeAll(signature, values).bytes());
  return { bytes, read: new Reader(bytes).readAll(signature) };
};

describe('D-Bus wire format', () => {
  it('writes the bytes the specification gives: lengths, NUL, alignment from the message start', () => {
    // y then u: three bytes of padding; s: length, text, NUL; a{ss}: length, padding to 8, entries.
    expect(roundTrip('yus', [7, 0x01020304, 'hé']).bytes.toString('hex')).toBe('07000000' + '04030201' + '03000000' + '68c3a900');
    const dict = roundTrip('ya{ss}', [1, [['a', 'b']]]).bytes;
    // y, pad to 4, array length 14 (entry: s "a" = 6 bytes, pad 2, s "b" = 6 bytes), pad to 8, entry.
    expect(dict.toString('hex')).toBe('01000000' + '0e000000' + '01000000610000' + '00' + '0100000062' + '00');
    // A variant: signature (length byte, text, NUL), then the value aligned as its own type.
    expect(roundTrip('yv', [9, ['u', 5]]).bytes.toString('hex')).toBe('09' + '0175' + '00' + '05000000');
  });

  it('reads back what it writes, for every shape the Secret Service exchanges', () => {
    const secret = ['/org/freedesktop/secrets/session/s1', Buffer.from([1, 2, 3]), Buffer.from('ciphertext'), 'text/plain'];
    const values = [
      [['service', 'mcpkey'], ['username', 'neon.api_key'], ['ünï', 'cödé ✓']],
      ['/org/freedesktop/secrets/collection/login/1', '/org/freedesktop/secrets/collection/login/2'],
      ['ay', Buffer.from('public key')],
      [['/org/freedesktop/secrets/collection/login/1', secret]],
      true,
      -5,
    ];
    expect(roundTrip('a{ss}aova{o(oayays)}bi', values).read).toEqual(values);
    expect(roundTrip('ao', [[]]).read).toEqual([[]]);
  });

  it('refuses what it cannot read rather than guessing: bad signatures, values past the end, empty structs', () => {
    expect(() => new Writer().writeAll('a()', [[]])).toThrow(/invalid D-Bus signature/);
    expect(() => new Writer().writeAll('a{sss}', [[]])).toThrow(/invalid D-Bus signature/);
    expect(() => new Writer().writeAll('h', [1])).toThrow(/unsupported/);
    expect(() => new Writer().writeAll('(s', [['x']])).toThrow(/unterminated/);
    const bytes = Buffer.from(new Writer().writeAll('s', ['hello']).bytes());
    expect(() => new Reader(bytes.subarray(0, 6)).readAll('s')).toThrow(RangeError);
    // An array whose length points past the message.
    expect(() => new Reader(Buffer.from('ff00000001000000', 'hex')).readAll('au')).toThrow(RangeError);
    expect(() => new Reader(Buffer.from('0000000001', 'hex')).readAll('yv')).toThrow();
  });

  it('frames a method call so that it decodes to its own body; several calls share one buffer', () => {
    const writer = new Writer();
    const call = { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'SearchItems', signature: 'a{ss}', body: [[['service', 'mcpkey']]] };
    encodeCall(writer, { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' }, 1);
    const second = writer.length;
    encodeCall(writer, call, 2);
    const bytes = Buffer.from(writer.bytes());
    expect(bytes[0]).toBe('l'.charCodeAt(0));
    expect(decodeMessage(bytes, 0, second)).toMatchObject({ type: 1, body: [] });
    expect(decodeMessage(bytes, second, bytes.length - second)).toMatchObject({ type: 1, body: [[['service', 'mcpkey']]] });
    // The declared lengths add up to the message exactly.
    const fields = bytes.readUInt32LE(second + 12);
    expect(second + 16 + fields + ((8 - ((16 + fields) % 8)) % 8) + bytes.readUInt32LE(second + 4)).toBe(bytes.length);
  });

  it('reads a reply: the fields it needs, past the ones it skips (sender, destination), then the body', () => {
    const body = Buffer.from(new Writer().writeAll('v', [['a{ss}', [['username', 'neon.api_key']]]]).bytes());
    const header = new Writer().writeAll('yyyyuua(yv)', [
      'l'.charCodeAt(0), 2, 1, 1, body.length, 77,
      [[6, ['s', ':1.42']], [5, ['u', 9]], [7, ['s', 'org.freedesktop.secrets.unusually.long.name']], [8, ['g', 'v']]],
    ]);
    header.align(8);
    const reply = Buffer.concat([Buffer.from('junk'), header.bytes(), body]);
    expect(decodeMessage(reply, 4)).toEqual({ type: 2, replySerial: 9, body: [['a{ss}', [['username', 'neon.api_key']]]] });
    const error = new Writer().writeAll('yyyyuua(yv)', ['l'.charCodeAt(0), 3, 1, 1, 0, 78, [[4, ['s', 'org.freedesktop.Secret.Error.IsLocked']], [5, ['u', 10]]]]);
    error.align(8);
    expect(decodeMessage(Buffer.from(error.bytes()))).toEqual({ type: 3, replySerial: 10, errorName: 'org.freedesktop.Secret.Error.IsLocked', body: [] });
  });

  it('finds the unix socket of a session bus address', () => {
    expect(unixSocketPath('unix:path=/run/user/1000/bus')).toBe('/run/user/1000/bus');
    expect(unixSocketPath('unix:path=/tmp/a%20b,guid=0123')).toBe('/tmp/a b');
    expect(unixSocketPath('unix:abstract=/tmp/dbus-XYZ,guid=0123')).toBe('\0/tmp/dbus-XYZ');
    expect(unixSocketPath('tcp:host=localhost,port=1;unix:path=/x')).toBe('/x');
    expect(unixSocketPath('tcp:host=localhost,port=1')).toBeUndefined();
    expect(unixSocketPath('autolaunch:')).toBeUndefined();
  });
});

describe('the encrypted transfer (dh-ietf1024-sha256-aes128-cbc-pkcs7)', () => {
  it('uses the RFC 2409 1024-bit group that OpenSSL calls modp2', () => {
    expect(PRIME.toString(16)).toBe(getDiffieHellman('modp2').getPrime('hex').replace(/^0+/, ''));
  });

  it('agrees on the key with an OpenSSL peer, and decrypts what that peer encrypts', () => {
    for (let round = 0; round < 8; round += 1) {
      const service = getDiffieHellman('modp2');
      service.generateKeys();
      const transfer = newTransfer();
      expect(transfer.publicKey).toHaveLength(128);
      // The service's side, as gnome-keyring does it: shared secret padded to 128 bytes, HKDF-SHA256, no salt, no info.
      const shared = service.computeSecret(transfer.publicKey);
      const ikm = Buffer.concat([Buffer.alloc(128 - shared.length), shared]);
      const expected = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), Buffer.alloc(0), 16));
      const key = transfer.keyFor(service.getPublicKey());
      expect(key.equals(expected)).toBe(true);
      const iv = randomBytes(16);
      const value = Buffer.from(`värde-${round}-${'x'.repeat(round * 7)}`);
      const cipher = createCipheriv('aes-128-cbc', expected, iv);
      expect(decrypt(key, iv, Buffer.concat([cipher.update(value), cipher.final()])).equals(value)).toBe(true);
    }
  });

  it('refuses a public key outside the group', () => {
    const transfer = newTransfer();
    expect(() => transfer.keyFor(Buffer.from([1]))).toThrow(/invalid public key/);
    expect(() => transfer.keyFor(Buffer.from((PRIME - 1n).toString(16), 'hex'))).toThrow(/invalid public key/);
    expect(() => transfer.keyFor(Buffer.alloc(129, 1))).toThrow(/invalid public key/);
  });
});
