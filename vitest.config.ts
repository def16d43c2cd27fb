import { defineConfig } from 'vitest/config';

// Tests import TypeScript sources; worker-thread entry files are loaded from the
// compiled dist/ (see @tensorpool/core workerUrl), so `pnpm test` builds first.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
