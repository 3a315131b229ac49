import { defineConfig } from 'vitest/config';

/** The chaos tools' own tests (kept out of `npm test`): `npx vitest run --config test/chaos/vitest.config.ts`. */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
