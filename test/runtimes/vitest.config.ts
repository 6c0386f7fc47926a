// The runtime suite (`npm run test:runtimes`): Firefox, WebKit, Deno, Bun and Node workers without
// SharedArrayBuffer, each against the built package. `npm test` (the Node suite) leaves these out.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['test/runtimes/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
