/**
 * Invocations answered without commander or any command module: `--version`, `completion
 * bash|zsh|fish` (shells run it at every start), `[noun [verb]] --help`, and `__complete` (every
 * press of Tab). The bin asks this before it loads main.js. CommonJS, as is all it loads for the
 * first three and for most completions: the first ES module costs the start of node's ES module
 * loader, a sixth of a bare node start.
 */
import fs = require('node:fs');
import path = require('node:path');
import descriptors = require('./terminal.cjs');
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

// Each is required where it is used: every module loaded costs every invocation.
const lazy = {
  version: () => require('../core/version.cjs') as typeof import('../core/version.cjs'),
  scripts: () => require('../completion/scripts.cjs') as typeof import('../completion/scripts.cjs'),
  layout: () => require('./help-layout.cjs') as typeof import('./help-layout.cjs'),
  complete: () => require('../completion/complete.cjs') as typeof import('../completion/complete.cjs'),
};

/** Stdout for the fast paths and printed results; `stream` is set once output went through process.stdout. */
interface DirectOutput {
  write(text: string): boolean;
  stream: NodeJS.WriteStream | undefined;
  /** Its reader is gone (EPIPE): the rest is dropped, as every command's output then is. */
  gone: boolean;
  /** Only used where stdout is no terminal. */
  isTTY: false;
}

/**
 * Watches node make process.stdout and process.stderr (it does on first use): says whether it has, so
 * that only a stream that exists is drained, and stdout's write errors are watched from its start.
 */
function watchStreams(): { stdoutMade: () => boolean; stderrMade: () => boolean } {
  const watch = (name: 'stdout' | 'stderr', made?: (stream: NodeJS.WriteStream) => void): (() => boolean) => {
    const descriptor = Object.getOwnPropertyDescriptor(process, name);
    // Not the getter node 20 defines: take it as made, so it is drained.
    if (!descriptor?.get || !descriptor.configurable) return () => true;
    let stream: NodeJS.WriteStream | undefined;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: descriptor.enumerable ?? true,
      get() {
        if (!stream) {
          stream = descriptor.get!.call(process) as NodeJS.WriteStream;
          made?.(stream);
        }
        return stream;
      },
    });
    return () => stream !== undefined;
  };
  return { stdoutMade: watch('stdout', watchOutput), stderrMade: watch('stderr') };
}

/**
 * Stdout written straight to its file descriptor: process.stdout, once touched, loads node's
 * streams, a tenth of a node start. What the descriptor does not take at once (a full
 * non-blocking pipe, any error) goes to process.stdout, as all of it did before; so does everything
 * once anything else made process.stdout (`stdoutMade`), which keeps the order of what is written.
 */
function directStdout(stdoutMade: () => boolean = () => false): DirectOutput {
  const out: DirectOutput = {
    stream: undefined,
    gone: false,
    isTTY: false,
    write(text) {
      if (out.gone) return true;
      if (!out.stream && stdoutMade()) out.stream = watchOutput(process.stdout);
      if (out.stream) return out.stream.write(text);
      const bytes = Buffer.from(text, 'utf8');
      let offset = 0;
      try {
        while (offset < bytes.length) offset += fs.writeSync(1, bytes, offset);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
          out.gone = true;
          return true;
        }
        out.stream = watchOutput(process.stdout);
        return out.stream.write(bytes.subarray(offset));
      }
    },
  };
  return out;
}

const watched = new WeakSet<NodeJS.WriteStream>();
let outputError: NodeJS.ErrnoException | undefined;

/**
 * Stdout's write errors, which would otherwise end the process with a stack trace: a reader that is
 * gone (EPIPE, `mcpkey … | head`) drops the rest quietly, as every command-line tool does; any other
 * (a full disk) is kept for outputFailure() to report.
 */
function watchOutput(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!watched.has(stream)) {
    watched.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') outputError ??= error;
    });
  }
  return stream;
}

/** One line for stderr when output could not be written (not for a reader that went away), else undefined. */
function outputFailure(): string | undefined {
  if (!outputError) return undefined;
  return `mcpkey: the output could not be written (${outputError.code ?? outputError.message}); it is incomplete — check where stdout goes (a full disk?) and run the command again`;
}

/** Whether stdout may be a terminal (terminal.cts), taken as one when fstat cannot tell. */
function stdoutMayBeTerminal(): boolean {
  return descriptors.mayBeTerminal(1) ?? true;
}

/** process.stdout when it may be a terminal: only its columns need it, and only then. */
function terminal(): { isTTY?: boolean; columns?: number } {
  return stdoutMayBeTerminal() ? process.stdout : {};
}

/** The exit code when argv was one of them, after answering it; undefined otherwise. */
async function fastPath(argv: readonly string[], runtime: Pick<Runtime, 'env' | 'stdout'>): Promise<number | undefined> {
  const write = (text: string) => runtime.stdout.write(text);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    write(`${lazy.version()()}\n`);
    return 0;
  }
  if (argv.length === 2 && argv[0] === 'completion') {
    const scripts = lazy.scripts();
    const shell = argv[1]!;
    if (scripts.hasScript(shell)) {
      write(fs.readFileSync(scripts.scriptUrl(shell), 'utf8'));
      return 0;
    }
  }
  if (argv[0] === '__complete') {
    return lazy.complete().complete(argv.slice(1), runtime);
  }
  // Help is laid out for process.stdout's width, as commander does, whatever stream it writes to.
  const tree = argv.length <= 3 && argv.at(-1)?.startsWith('-') ? helpTree() : undefined;
  const layout = tree && lazy.layout();
  const page = layout && layout.findPage(tree, argv);
  if (page) {
    write(layout.renderHelp(page, layout.helpWidth(terminal())));
    return 0;
  }
  return undefined;
}

export = { fastPath, directStdout, watchStreams, watchOutput, outputFailure, stdoutMayBeTerminal };
