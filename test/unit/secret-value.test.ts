import { describe, expect, it } from 'vitest';
import { decodeValue, valueProblem, valueWarning } from '../../src/core/secrets/value.js';

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

describe('decodeValue', () => {
  it('reads UTF-16 with a byte order mark, as Windows PowerShell and Notepad write it', () => {
    expect(decodeValue(utf16le('sk-live-ключ\r\n'))).toBe('sk-live-ключ\r\n');
    expect(decodeValue(utf16be('sk-live-🔑'))).toBe('sk-live-🔑');
    // Without the decoding, the bytes are UTF-8 with a NUL byte between every character.
    expect(valueProblem(Buffer.from('sk', 'utf16le').toString('utf8'))).toMatch(/NUL byte/);
  });

  it('refuses UTF-16 that is cut in the middle of a character, and bytes that are not UTF-8', () => {
    expect(decodeValue(Buffer.concat([utf16le('ab'), Buffer.from([0x3d, 0xd8])]))).toBeUndefined(); // a lone high surrogate
    expect(decodeValue(Buffer.from([0x61, 0xff, 0x62]))).toBeUndefined();
  });

  it('keeps UTF-8 as given, a UTF-8 byte order mark included', () => {
    expect(decodeValue(Buffer.from('\uFEFFtoken'))).toBe('\uFEFFtoken');
    expect(decodeValue(Buffer.from('plain'))).toBe('plain');
  });
});

describe('valueWarning', () => {
  it('names where the whitespace is, never the value', () => {
    expect(valueWarning('neon.api_key', ' napi_x')).toBe('the value stored for neon.api_key starts with whitespace; if that was not meant, set it again without it');
    expect(valueWarning('neon.api_key', 'napi_x\t')).toMatch(/ ends with whitespace/);
    expect(valueWarning('neon.api_key', '\nnapi_x\n')).toMatch(/ starts and ends with whitespace/);
    expect(valueWarning('neon.api_key', ' napi_x')).not.toContain('napi_x');
    expect(valueWarning('neon.api_key', 'napi x')).toBeUndefined();
  });
});
