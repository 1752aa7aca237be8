import type * as Client from 'openid-client';

/**
 * RFC 6749 §2.3.1 / Appendix B: the client id and secret are form-encoded before they become the
 * Basic credentials. UTF-8 octets; letters, digits and `- . _ *` stay as they are, a space becomes
 * `+`, every other octet is `%XX`. `~` is kept too: a form decoder reads it back unchanged, and a
 * server that does not decode at all (most of them) sees the id as registered.
 */
export function formEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~*]/.test(char)) out += char;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The Authorization header value for client_secret_basic. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'ascii').toString('base64')}`;
}

/**
 * client_secret_basic for openid-client. Its own ClientSecretBasic percent-encodes unreserved
 * characters (`pre-registered-client` became `pre%2Dregistered%2Dclient`), which servers that do not
 * URL-decode Basic credentials refuse as invalid_client.
 */
export function clientSecretBasic(clientSecret: string): Client.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set('authorization', basicCredentials(client.client_id, clientSecret));
  };
}
