import { spawn } from 'node:child_process';
import type { Env } from '../config/paths.js';

/**
 * Opens a URL for the user: `$BROWSER` when set (a command that receives the URL; `%s` marks where),
 * else the platform's opener through `open`. Returns false when nothing could be started; the caller
 * always prints the URL as well.
 */
export async function openBrowser(url: string, env: Env): Promise<boolean> {
  const browser = env.BROWSER?.split(':').find((candidate) => candidate.trim() !== '');
  if (browser) {
    const words = browser.trim().split(/\s+/);
    const args = words.slice(1);
    const withUrl = args.some((arg) => arg.includes('%s')) ? args.map((arg) => arg.replace(/%s/g, url)) : [...args, url];
    return new Promise((resolve) => {
      const child = spawn(words[0]!, withUrl, { stdio: 'ignore', detached: true, env: env as NodeJS.ProcessEnv });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    });
  }
  try {
    const { default: open } = await import('open');
    const child = await open(url, { wait: false });
    child.once('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
