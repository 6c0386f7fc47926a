// Bytes the command posts to its threads are transferred: a pooled Buffer (Node 22+ refuses to
// transfer its buffer) must be copied into a buffer of its own, and an owning array passed as is.

import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ownBuffer } from '../src/cli/transfer.js';

describe('ownBuffer', () => {
  it('copies a pooled Buffer (Buffer.prototype.slice would share its memory) so it can be transferred', () => {
    const pooled = Buffer.from('a small buffer from the pool');
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);
    const own = ownBuffer(pooled);
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(own).equals(pooled)).toBe(true);
    own[0] = 0;
    expect(pooled[0]).toBe('a'.charCodeAt(0)); // a copy, not a view
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(own, [own.buffer as ArrayBuffer]);
    expect(own.byteLength).toBe(0); // transferred (detached)
    port1.close();
    port2.close();
  });

  it('passes an array that owns its whole buffer as it is', () => {
    const whole = new Uint8Array(16);
    expect(ownBuffer(whole)).toBe(whole);
  });
});
