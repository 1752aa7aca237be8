import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Read from package.json so that the two never disagree. */
export function version(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
