import { readFileSync } from 'node:fs';
import { version } from '../core/version.js';

/**
 * Invocations answered without commander or any command module — `--version`, and `completion
 * bash|zsh|fish`, which shells run at every start. The bin shim asks this before it loads main.js.
 * Returns whether argv was one of them.
 */
export async function fastPath(argv: readonly string[], write: (text: string) => void): Promise<boolean> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    write(`${version()}\n`);
    return true;
  }
  if (argv.length === 2 && argv[0] === 'completion') {
    const { hasScript, scriptUrl } = await import('../completion/scripts.js');
    const shell = argv[1]!;
    if (!hasScript(shell)) return false;
    write(readFileSync(scriptUrl(shell), 'utf8'));
    return true;
  }
  return false;
}
