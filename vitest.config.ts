import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The CommonJS modules the bin's fast paths load (src/**/*.cts) are TypeScript too.
  oxc: { include: /\.(m?ts|cts|[jt]sx)$/ },
  test: {
    include: ['test/**/*.test.ts'],
    // Lets one .cts module require another by its built name (.cjs), as it does in dist/.
    setupFiles: ['test/setup/cts-require.ts'],
    // Generous: on a loaded 2-core machine (load average 7-11) a test of a few CLI runs overran 30 s.
    // Where time is the subject, tests control it themselves (fake clocks, expireGrant) instead.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // End-to-end tests spawn many processes; two cores are all CI has.
    maxWorkers: 2,
  },
});
