// A small static file server on 127.0.0.1 for the demo (`npm run demo`) and the browser tests:
// correct MIME types (application/wasm lets browsers compile while downloading), no caching,
// nothing served outside its root, and optional extra headers (a CSP, say).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * Serves `root` on 127.0.0.1 (`port` 0 picks a free one). Resolves to { url, close }.
 * @param {string} root
 * @param {{ port?: number, headers?: Record<string, string> }} [options]
 */
export async function serveStatic(root, options = {}) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...options.headers,
      });
      response.end(body);
    } catch (error) {
      const missing = error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
      response.writeHead(missing ? 404 : 500, { 'content-type': 'text/plain' });
      response.end(missing ? 'not found' : String(error));
    }
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', done);
  });
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done(undefined)); }),
  };
}
