/**
 * Invocations answered without commander or any command module: `--version`, `completion
 * bash|zsh|fish` (shells run it at every start), `[noun [verb]] --help`, and `__complete` (every
 * press of Tab). The bin asks this before it loads main.js. CommonJS, as is all it loads for the
 * first three: an ES module costs the start of node's ES module loader, a sixth of a bare node start.
 */
import fs = require('node:fs');
import path = require('node:path');
import version = require('../core/version.cjs');
import scripts = require('../completion/scripts.cjs');
import layout = require('./help-layout.cjs');
import type { HelpTree } from './help-types.js';
import type { Runtime } from './io.js';

/** The help pages the build recorded (write-spec.ts), or undefined when it did not. */
function helpTree(): HelpTree | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '../help-pages.json'), 'utf8')) as HelpTree | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The exit code when argv was one of them, after answering it; undefined otherwise. */
async function fastPath(argv: readonly string[], runtime: Pick<Runtime, 'env' | 'stdout'>): Promise<number | undefined> {
  const write = (text: string) => runtime.stdout.write(text);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    write(`${version()}\n`);
    return 0;
  }
  if (argv.length === 2 && argv[0] === 'completion' && scripts.hasScript(argv[1]!)) {
    write(fs.readFileSync(scripts.scriptUrl(argv[1]), 'utf8'));
    return 0;
  }
  if (argv[0] === '__complete') {
    const { complete } = await import('../completion/complete.js');
    return complete(argv.slice(1), runtime);
  }
  // Help is laid out for process.stdout's width, as commander does whatever stream it writes to.
  const tree = argv.length <= 3 && argv.at(-1)?.startsWith('-') ? helpTree() : undefined;
  const page = tree && layout.findPage(tree, argv);
  if (page) {
    write(layout.renderHelp(page, layout.helpWidth(process.stdout)));
    return 0;
  }
  return undefined;
}

export = fastPath;
