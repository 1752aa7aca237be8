/** Help pages as the build records them (help-capture.ts) and the fast path lays them out (help-layout.cts). */

/** One item of a list (an argument, option or subcommand): commander wraps its description beside the term. */
export interface HelpItem {
  term: string;
  termWidth: number;
  description: string;
}

/** What depends on the terminal's width: a description under the usage line, or an item. */
export type HelpPiece = { wrap: string } | HelpItem;

export interface HelpPage {
  /** The flags that show this page (`-h`, `--help`). */
  flags: string[];
  /** Text added with addHelpText, written before and after the formatted help. */
  before: string;
  after: string;
  /** commander's formatted help, with `\0N\0` where piece N goes. */
  template: string;
  pieces: HelpPiece[];
  /** Below this many columns commander does not wrap. */
  minWidthToWrap: number;
}

/** A command's page and its subcommands', by name. */
export interface HelpTree {
  page: HelpPage;
  commands: Record<string, HelpTree>;
}
