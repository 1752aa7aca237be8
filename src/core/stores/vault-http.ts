import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../config/paths.js';
import { untrusted } from '../text.js';
import { StoreError } from './errors.js';
import type { SecretReference } from './reference.js';

/** Vault's and OpenBao's client settings, read from the environment the way their CLIs read them. */
export interface VaultSettings {
  addr: URL;
  token: string | undefined;
  namespace: string | undefined;
  tls: { ca?: Buffer[]; rejectUnauthorized: boolean; cert?: Buffer; key?: Buffer };
}

const setting = (env: Env, name: string) => env[`VAULT_${name}`] || env[`BAO_${name}`] || undefined;

function readSetting(ref: SecretReference, variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new StoreError('store_failed', ref, `cannot read ${variable} (${untrusted(path)}): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, `point ${variable} at a PEM file`);
  }
}

export function vaultSettings(env: Env, ref: SecretReference): VaultSettings {
  const raw = setting(env, 'ADDR') ?? 'https://127.0.0.1:8200';
  let addr: URL;
  try {
    addr = new URL(raw);
  } catch {
    throw new StoreError('store_failed', ref, `VAULT_ADDR is not a URL (${untrusted(raw, 100)})`, 'set VAULT_ADDR to the server, e.g. https://vault.example.com:8200');
  }
  if (addr.protocol !== 'https:' && addr.protocol !== 'http:') throw new StoreError('store_failed', ref, 'VAULT_ADDR must be an http(s) URL', 'set VAULT_ADDR to the server, e.g. https://vault.example.com:8200');
  let token = setting(env, 'TOKEN');
  if (!token) {
    // `vault login` keeps the token here (OpenBao's CLI too).
    try {
      token = readFileSync(join(env.HOME || homedir(), '.vault-token'), 'utf8').trim() || undefined;
    } catch {
      token = undefined;
    }
  }
  const tls: VaultSettings['tls'] = { rejectUnauthorized: !/^(1|true|yes)$/i.test(setting(env, 'SKIP_VERIFY') ?? '') };
  const cacert = setting(env, 'CACERT');
  const capath = setting(env, 'CAPATH');
  if (cacert) tls.ca = [readSetting(ref, 'VAULT_CACERT', cacert)];
  else if (capath) {
    let names: string[] = [];
    try {
      names = readdirSync(capath);
    } catch {
      throw new StoreError('store_failed', ref, `cannot read VAULT_CAPATH (${untrusted(capath)})`, 'point VAULT_CAPATH at a directory of PEM files');
    }
    tls.ca = names.filter((name) => /\.(pem|crt)$/i.test(name)).map((name) => readSetting(ref, 'VAULT_CAPATH', join(capath, name)));
  }
  const cert = setting(env, 'CLIENT_CERT');
  const key = setting(env, 'CLIENT_KEY');
  if (cert && key) Object.assign(tls, { cert: readSetting(ref, 'VAULT_CLIENT_CERT', cert), key: readSetting(ref, 'VAULT_CLIENT_KEY', key) });
  return { addr, token, namespace: setting(env, 'NAMESPACE'), tls };
}

export interface VaultResponse {
  status: number;
  body: unknown;
}

const MAX_BODY = 1024 * 1024;

/** One GET of the HTTP API (`/v1/…`), with the token and namespace headers; the body parsed as JSON when it is. */
export async function vaultGet(settings: VaultSettings, apiPath: string, ref: SecretReference, timeoutMs: number): Promise<VaultResponse> {
  const url = new URL(`${settings.addr.pathname.replace(/\/+$/, '')}/v1/${apiPath}`, settings.addr);
  const transport = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.token) headers['X-Vault-Token'] = settings.token;
  if (settings.namespace) headers['X-Vault-Namespace'] = settings.namespace;
  const where = untrusted(settings.addr.origin, 200);
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: 'GET', headers, ...(url.protocol === 'https:' ? settings.tls : {}) }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) request.destroy(new Error('too large'));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', (error) => request.destroy(error));
    });
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('timeout'), { code: 'MCPKEY_TIMEOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'MCPKEY_TIMEOUT') reject(new StoreError('store_timeout', ref, `Vault at ${where} did not answer within ${Math.round(timeoutMs / 1000)} s`, 'check VAULT_ADDR and the network, then try again (MCPKEY_STORE_TIMEOUT sets the limit in seconds)'));
      else reject(new StoreError('store_failed', ref, `cannot reach Vault at ${where} (${untrusted(error.code ?? error.message, 80)})`, 'check VAULT_ADDR (and VAULT_CACERT / VAULT_SKIP_VERIFY for TLS), and that the server is running'));
    });
    request.end();
  });
}

/** The `errors` strings of a Vault error body, for a message (they never hold a secret). */
export function vaultErrors(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  const list = Array.isArray(errors) ? errors.filter((item): item is string => typeof item === 'string') : [];
  return list.length ? untrusted(list.join('; '), 200) : '';
}
