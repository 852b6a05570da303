import { defineProject } from 'vitest/config';

export default defineProject({
  // the other entries are Vite's defaults, which this list replaces
  ssr: { resolve: { conditions: ['@ka/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'conformance',
    setupFiles: ['../../test/leak-check.ts'],
    // the first run builds the Go reference with a cold GOCACHE (~30 s on 2 cores)
    hookTimeout: 240_000,
    testTimeout: 30_000,
  },
});
