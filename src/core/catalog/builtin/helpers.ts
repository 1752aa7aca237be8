import type { OAuthSpec, RemoteTransport, SecretSpec, StdioTransport } from '../types.js';

/*
 * Shorthands for the built-in entries. Sources: the shared fact sheets catalog-facts.md and
 * catalog-facts-2026-12.md (each entry names the source it was checked against in a comment).
 */

export function npx(pkg: string, ...args: string[]): StdioTransport {
  return { type: 'stdio', command: 'npx', args: ['-y', pkg, ...args] };
}

export function uvx(pkg: string, ...args: string[]): StdioTransport {
  return { type: 'stdio', command: 'uvx', args: [pkg, ...args] };
}

export function remote(url: string): RemoteTransport {
  return { type: 'remote', url, transport: 'streamable-http' };
}

/** The older HTTP+SSE transport, for servers whose streamable endpoint no source confirms. */
export function sse(url: string): RemoteTransport {
  return { type: 'remote', url, transport: 'sse' };
}

export function secret(name: string, env: string, description: string, extra: Partial<SecretSpec> = {}): SecretSpec {
  return { name, env, description, ...extra };
}

/** A fixed loopback port in the notes, so the redirect URL a provider has on record stays the same. */
export const NOTE_PORT = 8765;

/**
 * The note of a provider without dynamic client registration: where to register a client, and the
 * exact command that signs in with it (its secret read from stdin or a hidden prompt, never argv).
 */
export function preRegistered(server: string, provider: string, where: string): OAuthSpec {
  return {
    note:
      `${provider} does not support dynamic registration: ${where} with the redirect URL http://127.0.0.1:${NOTE_PORT}/callback, ` +
      `then run \`mcpkey oauth authorize ${server} --client-id ID --client-secret-stdin --port ${NOTE_PORT}\` ` +
      '(ID is its client ID; its client secret is read from stdin or a hidden prompt)',
  };
}
