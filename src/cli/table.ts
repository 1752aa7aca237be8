/**
 * The borderless table of `printer.table` without cli-table3, for the common case only: every row as
 * long as the head, every cell printable ASCII, with at most mcpkey's own colours wrapped around parts
 * of it (bold or dim, red, green or yellow; not nested). There cli-table3's output is plain arithmetic —
 * each cell left-aligned and padded to its column's widest cell plus two spaces — and computing it
 * directly saves cli-table3's layout, which compares every cell with every other (a second of CPU
 * at a few thousand rows). Anything else returns undefined and is cli-table3's; a test compares both
 * over many tables, with colour and without.
 */

const PLAIN_CELL = /^(?:[\x20-\x7e]|\x1b\[[12]m[\x20-\x7e]*\x1b\[22m|\x1b\[3[123]m[\x20-\x7e]*\x1b\[39m)*$/;
const STYLE = /\x1b\[\d+m/g;

/** The table's lines (before trailing spaces are trimmed), or undefined where cli-table3 must draw it. */
export function plainTable(head: readonly string[], rows: readonly (readonly string[])[], paddingRight: number): string[] | undefined {
  if (head.length === 0) return undefined;
  const all = [head, ...rows];
  const widths = head.map(() => 0);
  const visible: number[][] = [];
  for (const row of all) {
    if (row.length !== head.length) return undefined;
    const lengths: number[] = [];
    for (const [column, cell] of row.entries()) {
      if (typeof cell !== 'string' || !PLAIN_CELL.test(cell)) return undefined;
      const length = cell.includes('\x1b') ? cell.replace(STYLE, '').length : cell.length;
      lengths.push(length);
      widths[column] = Math.max(widths[column]!, length + paddingRight);
    }
    visible.push(lengths);
  }
  return all.map((row, index) => row.map((cell, column) => cell + ' '.repeat(widths[column]! - visible[index]![column]!)).join(''));
}
