/**
 * Finds every error code mcpkey's source can produce, by reading it with the TypeScript parser: the
 * `code` of `new CliError(…, { code, exitCode })`, the code argument of its subclasses (UsageError's
 * third, NotReadyError's fourth, …, worked out from each class's `super(…)` call), and the defaults of
 * those arguments where a call leaves them out. A code that is not a string literal is reported as
 * dynamic, with its source text, so that a test can insist on knowing each one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ExitCode } from '../../src/core/errors.js';

export interface FoundCode {
  code: string;
  /** The exit code, when the source says it plainly (a literal, `ExitCode.x`, or a parameter's default). */
  exitCode?: number;
  at: string;
}

export interface DynamicCode {
  /** The expression that gives the code, as written. */
  text: string;
  at: string;
}

/** How a class derived from CliError takes its code and exit code. */
interface ErrorClass {
  /** The constructor argument that carries the code (absent: the class fixes the code itself). */
  codeArg?: number;
  /** The code when that argument is left out, or the fixed code. */
  code?: string;
  /** The code when it is neither: an expression (`keychain_${problem}`). */
  dynamic?: string;
  exitCode?: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return path.endsWith('.ts') ? [path] : [];
    });
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const item of object.properties) {
    if (ts.isPropertyAssignment(item) && item.name.getText() === name) return item.initializer;
    if (ts.isShorthandPropertyAssignment(item) && item.name.text === name) return item.name;
  }
  return undefined;
}

const EXIT_CODES = ExitCode as Record<string, number>;

function literalExit(expression: ts.Expression | undefined, parameters: ReadonlyMap<string, { index: number; initializer?: ts.Expression }>): number | undefined {
  if (!expression) return undefined;
  if (ts.isNumericLiteral(expression)) return Number(expression.text);
  if (ts.isPropertyAccessExpression(expression) && expression.expression.getText() === 'ExitCode') return EXIT_CODES[expression.name.text];
  // `exitCode` as a parameter with a default (`exitCode: number = 126`): callers that pass another are not followed.
  if (ts.isIdentifier(expression)) return literalExit(parameters.get(expression.text)?.initializer, new Map());
  return undefined;
}

function parametersOf(node: ts.Node): Map<string, { index: number; initializer?: ts.Expression }> {
  const found = new Map<string, { index: number; initializer?: ts.Expression }>();
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (ts.isFunctionLike(current)) {
      current.parameters.forEach((parameter, index) => {
        if (ts.isIdentifier(parameter.name) && !found.has(parameter.name.text)) {
          found.set(parameter.name.text, { index, ...(parameter.initializer ? { initializer: parameter.initializer } : {}) });
        }
      });
    }
  }
  return found;
}

export function scanErrorCodes(srcDir: string): { codes: FoundCode[]; dynamic: DynamicCode[] } {
  const files = sourceFiles(srcDir).map((file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  const where = (node: ts.Node) => `${relative(join(srcDir, '..'), node.getSourceFile().fileName)}:${node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

  // The classes, learned from their super() calls until no more can be learned (a subclass may come first).
  const classes = new Map<string, ErrorClass>([['CliError', {}]]);
  const declarations = files.flatMap((file) => {
    const found: ts.ClassDeclaration[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name) found.push(node);
      ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
  });
  for (let learned = true; learned; ) {
    learned = false;
    for (const declaration of declarations) {
      const name = declaration.name!.text;
      const parent = declaration.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText();
      if (classes.has(name) || !parent || !classes.has(parent)) continue;
      const constructor = declaration.members.find(ts.isConstructorDeclaration);
      let call: ts.CallExpression | undefined;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) call = node;
        else ts.forEachChild(node, visit);
      };
      if (constructor) visit(constructor);
      if (!call) {
        classes.set(name, classes.get(parent)!);
      } else {
        const parameters = parametersOf(call);
        const parentClass = classes.get(parent)!;
        const options = parent === 'CliError' ? call.arguments[1] : undefined;
        const codeExpression = options && ts.isObjectLiteralExpression(options) ? property(options, 'code') : parentClass.codeArg !== undefined ? call.arguments[parentClass.codeArg] : undefined;
        const exitCode = options && ts.isObjectLiteralExpression(options) ? literalExit(property(options, 'exitCode'), parameters) : parentClass.exitCode;
        const info: ErrorClass = exitCode === undefined ? {} : { exitCode };
        if (!codeExpression) Object.assign(info, { code: parentClass.code });
        else if (ts.isStringLiteralLike(codeExpression)) info.code = codeExpression.text;
        else if (ts.isIdentifier(codeExpression) && parameters.has(codeExpression.text)) {
          const parameter = parameters.get(codeExpression.text)!;
          info.codeArg = parameter.index;
          if (parameter.initializer && ts.isStringLiteralLike(parameter.initializer)) info.code = parameter.initializer.text;
        } else info.dynamic = codeExpression.getText();
        classes.set(name, info);
      }
      learned = true;
    }
  }

  const codes: FoundCode[] = [];
  const dynamic: DynamicCode[] = [];
  const record = (code: ts.Expression | string | undefined, exitCode: number | undefined, node: ts.Node) => {
    if (code === undefined) return;
    const exit = exitCode === undefined ? {} : { exitCode };
    if (typeof code === 'string') codes.push({ code, ...exit, at: where(node) });
    else if (ts.isStringLiteralLike(code)) codes.push({ code: code.text, ...exit, at: where(node) });
    else if (ts.isConditionalExpression(code)) {
      record(code.whenTrue, exitCode, node);
      record(code.whenFalse, exitCode, node);
    } else dynamic.push({ text: code.getText(), at: where(node) });
  };
  for (const [name, info] of classes) {
    const declaration = declarations.find((candidate) => candidate.name!.text === name);
    if (declaration && info.dynamic) dynamic.push({ text: info.dynamic, at: where(declaration) });
  }
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && classes.has(node.expression.text)) {
        const args = node.arguments ?? [];
        const parameters = parametersOf(node);
        if (node.expression.text === 'CliError') {
          const options = args[1];
          if (options && ts.isObjectLiteralExpression(options)) record(property(options, 'code'), literalExit(property(options, 'exitCode'), parameters), node);
          else dynamic.push({ text: node.getText(), at: where(node) });
        } else {
          const info = classes.get(node.expression.text)!;
          const given = info.codeArg === undefined ? undefined : args[info.codeArg];
          // A code left out is the class's own (fixed, or the argument's default).
          record(given ?? info.code, info.exitCode, node);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { codes, dynamic };
}

/** The table of error codes in docs/json.md: each code with the exit codes it lists. */
export function documentedErrorCodes(docsFile: string): Map<string, number[]> {
  const text = readFileSync(docsFile, 'utf8');
  const start = text.indexOf('\n### Error codes\n');
  if (start === -1) throw new Error(`${docsFile} has no "### Error codes" section`);
  const end = text.indexOf('\n#', start + 1);
  const table = new Map<string, number[]>();
  for (const line of text.slice(start, end === -1 ? undefined : end).split('\n')) {
    const row = /^\| `([^`]+)` \| ([\d, ]+) \|/.exec(line);
    if (!row) continue;
    if (table.has(row[1]!)) throw new Error(`${docsFile} lists ${row[1]} twice`);
    table.set(row[1]!, row[2]!.split(',').map((exit) => Number(exit.trim())));
  }
  return table;
}
