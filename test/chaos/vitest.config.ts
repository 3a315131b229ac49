import { defineConfig } from 'vitest/config';

/**
 * The chaos checker's own tests now run in `npm test` (`test/unit/chaos/`); this config runs just them:
 * `npx vitest run --config test/chaos/vitest.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['test/unit/chaos/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
