// A pool of the built package (dist/) for a test file's describe block: started before its
// tests, closed after (the workers run the built files).

import { afterAll, beforeAll } from 'vitest';
import * as dist from '../dist/index.js';

/** Starts a pool of `threads` workers before the enclosing block's tests and closes it after; returns a getter. */
export function poolForTests(threads = 2): () => dist.Pool {
  let pool: dist.Pool;
  beforeAll(async () => {
    await dist.init();
    pool = await dist.createPool({ threads });
  });
  afterAll(async () => { await pool?.close(); });
  return () => pool;
}
