import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Suites fire many requests at once on PGlite under a loaded CI machine; the embedded
    // database's admission queue (src/edge/embedded-queue.ts) is tested with its own limits.
    env: { TERMBRIDGE_EMBEDDED_QUEUE: '100000', TERMBRIDGE_EMBEDDED_MAX_WAIT_MS: '600000' },
    // PGlite instances are memory-hungry; two workers match the two cores CI has.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
