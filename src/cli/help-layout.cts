/**
 * Help pages laid out without commander: the build records each command's help as commander
 * formats it (src/cli/help-capture.ts), leaving out only what depends on the terminal's width — the
 * wrapped descriptions — which are laid out here as commander does (test/unit/help-fast.test.ts
 * compares both for every command at several widths). CommonJS: `--help` starts no ES module loader.
 */

import type { HelpPage, HelpTree, HelpItem } from './help-types.js';

/** The width commander lays help out for: the terminal's columns, or 80 when stdout is no terminal. */
function helpWidth(stdout: { isTTY?: boolean; columns?: number }): number {
  return (stdout.isTTY ? stdout.columns : undefined) ?? 80;
}

/** Words fitted into lines of at most `width` columns (a longer word gets a line of its own); line breaks kept. */
function wrap(text: string, width: number, minWidth: number): string {
  if (width < minWidth) return text;
  const lines: string[] = [];
  for (const line of text.split(/\r\n|\n/)) {
    // Each word with the blanks before it: those are kept inside a line and dropped where a line breaks.
    const words = line.match(/\s*\S+/g) ?? [''];
    let current = words[0]!;
    for (const word of words.slice(1)) {
      if (current.length + word.length <= width) {
        current += word;
      } else {
        lines.push(current);
        current = word.trimStart();
      }
    }
    lines.push(current);
  }
  return lines.join('\n');
}

/** `  term   description`, the description wrapped beside the term unless that leaves too little room or it is laid out already. */
function item(piece: HelpItem, width: number, minWidth: number): string {
  const { term, termWidth, description } = piece;
  if (!description) return `  ${term}`;
  const room = width - termWidth - 4;
  const laidOut = /\n[^\S\r\n]/.test(description);
  const text = room < minWidth || laidOut ? description : wrap(description, room, minWidth).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${text.replace(/\n/g, '\n  ')}`;
}

function renderHelp(page: HelpPage, width: number): string {
  const body = page.template.replace(/\0(\d+)\0/g, (_, index: string) => {
    const piece = page.pieces[Number(index)]!;
    return 'wrap' in piece ? wrap(piece.wrap, width, page.minWidthToWrap) : item(piece, width, page.minWidthToWrap);
  });
  return `${page.before}${body}${page.after}`;
}

/** The page for `mcpkey [noun [verb]] --help` (argv exactly that), or undefined for anything else. */
function findPage(tree: HelpTree, argv: readonly string[]): HelpPage | undefined {
  if (argv.length === 0) return undefined;
  let node = tree;
  for (const word of argv.slice(0, -1)) {
    if (!Object.hasOwn(node.commands, word)) return undefined;
    node = node.commands[word]!;
  }
  return node.page.flags.includes(argv[argv.length - 1]!) ? node.page : undefined;
}

export = { helpWidth, renderHelp, findPage };
