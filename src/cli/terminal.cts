/**
 * Whether a standard descriptor may be a terminal, told without making its stream (node loads stream
 * code for that) or loading its tty module (which loads net). CommonJS: the bin's fast paths use it too.
 */
import fs = require('node:fs');

let nullDevice: number | undefined;

/**
 * false when the descriptor is surely no terminal: not a character device, or /dev/null, the one
 * character device a command is commonly given (`</dev/null`, cron, CI); true when it may be one; undefined
 * when fstat cannot tell.
 */
function mayBeTerminal(fd: number): boolean | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch {
    return undefined;
  }
  if (!stat.isCharacterDevice()) return false;
  try {
    nullDevice ??= fs.statSync('/dev/null').rdev;
  } catch {
    return true;
  }
  return stat.rdev !== nullDevice;
}

export = { mayBeTerminal };
