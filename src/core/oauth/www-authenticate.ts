/** One challenge of a WWW-Authenticate header: `Bearer error="invalid_token", scope="a b"`. */
export interface Challenge {
  scheme: string;
  /** A token68 credential right after the scheme (`Negotiate abc==`). */
  token68?: string;
  /** Parameter names in lower case. */
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header (RFC 9110 §11.6.1): several challenges, quoted or bare values,
 * escaped quotes, token68 values. Lenient on purpose: servers get the grammar wrong often.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i += 1;
  };
  const readToken = () => {
    const start = i;
    while (i < n && !/[\s,="]/.test(header[i]!)) i += 1;
    return header.slice(start, i);
  };
  const readQuoted = () => {
    let value = '';
    i += 1; // opening quote
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i += 1;
      value += header[i];
      i += 1;
    }
    i += 1; // closing quote
    return value;
  };
  let current: Challenge | undefined;
  // True right after a scheme, before any comma: a bare token there is the challenge's token68.
  let afterScheme = false;
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      afterScheme = false;
      i += 1;
      continue;
    }
    const token = readToken();
    if (token === '') {
      i += 1; // stray character
      continue;
    }
    skipSpace();
    if (afterScheme && current && header[i] !== '=' ) {
      current.token68 = token;
      afterScheme = false;
      continue;
    }
    if (header[i] === '=' && current) {
      // auth-param, unless it is the tail of a token68 value (`abc==`)
      i += 1;
      skipSpace();
      if (header[i] === '=' || header[i] === ',' || i >= n) {
        // `abc==`: a padded token68 right after the scheme.
        let padding = '=';
        while (header[i] === '=') {
          padding += '=';
          i += 1;
        }
        if (afterScheme) current.token68 = `${token}${padding}`;
        afterScheme = false;
        continue;
      }
      afterScheme = false;
      const value = header[i] === '"' ? readQuoted() : readToken();
      current.params[token.toLowerCase()] = value;
      continue;
    }
    // A token not followed by "=" starts a new challenge.
    current = { scheme: token, params: {} };
    challenges.push(current);
    afterScheme = true;
  }
  return challenges;
}

/** The Bearer challenge, if any (schemes are case-insensitive). */
export function bearerChallenge(header: string | null | undefined): Challenge | undefined {
  if (!header) return undefined;
  return parseWwwAuthenticate(header).find((challenge) => challenge.scheme.toLowerCase() === 'bearer');
}

/**
 * The challenge that speaks about an access token: Bearer (RFC 6750) or DPoP (RFC 9449 §7.1), read
 * alike. With both, the one naming an error wins (a DPoP server says `use_dpop_nonce` or
 * `insufficient_scope` in its own); `dpop` says whether the server offered DPoP at all.
 */
export function tokenChallenge(header: string | null | undefined): { challenge?: Challenge; dpop: boolean } {
  if (!header) return { dpop: false };
  const challenges = parseWwwAuthenticate(header);
  const bearer = challenges.find((challenge) => challenge.scheme.toLowerCase() === 'bearer');
  const dpop = challenges.find((challenge) => challenge.scheme.toLowerCase() === 'dpop');
  const main = dpop && (dpop.params.error !== undefined || !bearer) ? dpop : bearer;
  if (!main) return { dpop: false };
  const other = main === dpop ? bearer : dpop;
  // resource_metadata and scope may sit in either one.
  return { challenge: { ...main, params: { ...other?.params, ...main.params } }, dpop: dpop !== undefined };
}
