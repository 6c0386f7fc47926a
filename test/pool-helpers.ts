// A pool of the built package (dist/) for a test file's describe block: started before its
// tests, closed after (the workers run the built files).

import { afterAll, beforeAll } from 'vitest';
import * as dist from '../dist/index.js';
import * as src from '../src/index.js';

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

/**
 * A 2-worker pool with `maximumMemory` and a synchronous instance of the pool's own build (so
 * tiled pool results can be compared bit for bit), started before the block's tests, closed after.
 */
export function budgetPoolForTests(maximumMemory: number): () => { pool: dist.Pool; whole: src.OperationsInstance } {
  let pool: dist.Pool;
  let whole: src.OperationsInstance;
  beforeAll(async () => {
    pool = await dist.createPool({ threads: 2, maximumMemory });
    whole = await src.createOperations({ build: pool.build });
  });
  afterAll(async () => { await pool?.close(); });
  return () => ({ pool, whole });
}
