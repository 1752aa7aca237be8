import { OAuthError } from './errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Authorization server endpoints must be HTTPS; plain HTTP only on the loopback interface, where
 * nothing crosses a network.
 */
export function assertSecureEndpoint(value: string | undefined, what: string): URL {
  if (!value || !URL.canParse(value)) throw new OAuthError(`${what} is not a valid URL: ${JSON.stringify(value)}`, 'the server metadata is broken; report it to the server operator', 'invalid_metadata');
  const url = new URL(value);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url)) return url;
  throw new OAuthError(`refusing ${what} ${url.href}: not HTTPS`, 'authorization endpoints must use https (plain http only on 127.0.0.1, ::1 or localhost)', 'insecure_endpoint');
}

/**
 * The canonical URI of an MCP server without resource metadata (RFC 8707, MCP spec): scheme and host
 * lower case, no fragment, no default port. The path is kept as given (a trailing slash is significant
 * for some servers), and a bare origin stays without the slash the URL parser would add.
 */
export function canonicalResource(value: string): string {
  const url = new URL(value);
  url.hash = '';
  const given = value.replace(/#.*$/, '');
  if (url.pathname === '/' && !url.search && !/^[a-z][a-z0-9+.-]*:\/\/[^/?]*\/$/i.test(given)) return url.href.slice(0, -1);
  return url.href;
}

/** RFC 9728 §3.3 and the MCP spec: the metadata must describe this server: same origin, and a path at or above ours. */
export function resourceMatches(metadataResource: string, serverUrl: string): boolean {
  if (!URL.canParse(metadataResource)) return false;
  const resource = new URL(metadataResource);
  const server = new URL(serverUrl);
  if (resource.origin !== server.origin) return false;
  const base = resource.pathname.endsWith('/') ? resource.pathname : `${resource.pathname}/`;
  return server.pathname === resource.pathname || `${server.pathname}/` === base || server.pathname.startsWith(base);
}

