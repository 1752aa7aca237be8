import type { Command, Help } from 'commander';
import type { HelpItem, HelpPage, HelpPiece, HelpTree } from './help-types.js';

/**
 * Build step: every command's help as commander writes it, for the fast path (help-layout.cts) to
 * print without commander. commander formats the page; only the pieces it wraps to the terminal's
 * width are left as placeholders. A page that cannot be recorded that way (a fixed width, styled
 * text, text added that depends on the width) is left out: commander prints it.
 */
export function captureHelp(command: Command): HelpTree | undefined {
  const page = capturePage(command);
  if (!page) return undefined;
  const commands: Record<string, HelpTree> = {};
  for (const sub of command.commands) {
    if ((sub as Command & { _hidden?: boolean })._hidden) continue;
    const tree = captureHelp(sub);
    if (tree) commands[sub.name()] = tree;
  }
  return { page, commands };
}

/** Everything outputHelp writes for `command` at this width (stdout no colour terminal). */
function written(command: Command, width: number): { all: string; formatted: string } {
  const saved = command.configureOutput();
  let all = '';
  command.configureOutput({ writeOut: (text) => (all += text), getOutHelpWidth: () => width, getOutHasColors: () => false });
  try {
    command.outputHelp();
    return { all, formatted: command.helpInformation() };
  } finally {
    command.configureOutput(saved);
  }
}

function capturePage(command: Command): HelpPage | undefined {
  const helpOption = (command as Command & { _getHelpOption(): { short?: string; long?: string } | null })._getHelpOption();
  const helper: Help = command.createHelp();
  if (!helpOption || helper.helpWidth !== undefined) return undefined;
  helper.prepareContext({ helpWidth: 80 });
  const pieces: HelpPiece[] = [];
  const placeholder = (piece: HelpPiece) => `\0${pieces.push(piece) - 1}\0`;
  helper.boxWrap = (text) => placeholder({ wrap: text });
  helper.formatItem = (term, termWidth, description) => placeholder({ term, termWidth, description } satisfies HelpItem);
  const template = helper.formatHelp(command, helper);
  // Text added around the help, which must not change with the width.
  const around = [50, 200].map((width) => {
    const { all, formatted } = written(command, width);
    const at = all.indexOf(formatted);
    return at < 0 ? undefined : { before: all.slice(0, at), after: all.slice(at + formatted.length) };
  });
  const [narrow, wide] = around;
  if (!narrow || !wide || narrow.before !== wide.before || narrow.after !== wide.after) return undefined;
  const texts = [template, narrow.before, narrow.after, ...pieces.flatMap((piece) => ('wrap' in piece ? [piece.wrap] : [piece.term, piece.description]))];
  // Colour would change the widths laid out, and NUL is the placeholder's.
  if (texts.some((text) => /[\0\x1b]/.test(text.replace(/\0\d+\0/g, '')))) return undefined;
  return {
    flags: [helpOption.short, helpOption.long].filter((flag): flag is string => typeof flag === 'string'),
    before: narrow.before,
    after: narrow.after,
    template,
    pieces,
    minWidthToWrap: helper.minWidthToWrap,
  };
}
