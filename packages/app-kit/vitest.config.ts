import { defineProject } from 'vitest/config';

export default defineProject({
  // workspace dependencies are tested from src/ (no build needed); the other entries are
  // Vite's defaults, which this list replaces
  ssr: { resolve: { conditions: ['@ka/source', 'module', 'node', 'development|production'] } },
  test: { name: 'app-kit', setupFiles: ['../../test/leak-check.ts'] },
});
