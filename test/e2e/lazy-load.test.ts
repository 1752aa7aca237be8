import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSandbox } from './helpers.js';

/**
 * Help, usage errors and the completion scripts as mcpkey prints them with every command module
 * loaded (scripts/capture-cli-text.mjs writes the fixture; run it after changing a command): the
 * binary loads only the noun typed and takes fast paths, yet every byte must be the same.
 */
const BEFORE = JSON.parse(readFileSync(new URL('../fixtures/cli-text-before-lazy-load.json', import.meta.url), 'utf8')) as Array<{
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}>;

const sandbox = useSandbox();

describe('output unchanged by lazy loading', () => {
  it('covers the top-level help, every noun and verb, and the completion scripts', () => {
    const keys = BEFORE.map((item) => item.args.join(' '));
    expect(keys).toContain('--help');
    expect(keys).toContain('server --help');
    expect(keys).toContain('completion install --help');
    expect(keys).toContain('completion bash');
    expect(keys.length).toBeGreaterThan(40);
  });

  for (const item of BEFORE) {
    it(`mcpkey ${item.args.join(' ')}`, async () => {
      const result = await sandbox.run(item.args);
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: item.code, stdout: item.stdout, stderr: item.stderr });
    }, 60_000);
  }
});
