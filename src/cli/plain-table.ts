/**
 * The borderless table the printer draws with cli-table3 (two spaces after each column, lines trimmed
 * at the end), written directly when every cell is plain printable ASCII: one character is one column
 * then, so the text is the same byte for byte, without loading cli-table3 and measuring every cell
 * with its ANSI and wide-character logic (most of `server list`'s time). Anything else, colour
 * included, is undefined here and left to cli-table3.
 */
const PLAIN = /^[\x20-\x7e]*$/;

export function plainTable(head: readonly string[], rows: readonly (readonly string[])[]): string | undefined {
  const all = [head, ...rows];
  if (all.some((row) => row.length !== head.length || row.some((cell) => !PLAIN.test(cell)))) return undefined;
  const widths = head.map((_, column) => Math.max(...all.map((row) => row[column]!.length)) + 2);
  return `${all.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('').trimEnd()).join('\n')}\n`;
}
