import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/after-each-file.ts'],
    testTimeout: 20000,
    hookTimeout: 60000,
    // One JSON report per engine in CI (.ci/run adds them up).
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: `test-artifacts/vitest-${process.env.DATABASE_URL ? 'postgres' : 'sqlite'}.json` }]]
      : ['default'],
  },
});
