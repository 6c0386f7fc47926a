// `npm run demo`: bundles demo/main.ts (esbuild; the package itself stays external and is
// loaded from /dist/ through the page's import map, as a plain page would) and serves the
// repository on 127.0.0.1. PORT=<n> picks the port (default 5173; 0 picks a free one).

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Bundles the demo and serves the repository; resolves to { url (of the demo page), close }. */
export async function startDemo({ port = 5173 } = {}) {
  await build({
    entryPoints: [`${root}demo/main.ts`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    external: ['upsample-wasm'],
    outfile: `${root}out/demo/main.js`,
    sourcemap: true,
    logLevel: 'warning',
  });
  // Cross-origin isolation: finer performance.now() for the timings (and SharedArrayBuffer).
  const server = await serveStatic(root, {
    port,
    headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
  });
  return { url: `${server.url}demo/`, close: server.close };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startDemo({ port: Number(process.env.PORT ?? 5173) });
  console.log(`upsample-wasm demo: ${url}  (Ctrl+C to stop)`);
}
