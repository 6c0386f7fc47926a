// The pool's per-call options (`signal`, `timeout`): taken out of an operation's options object
// before the shared validation sees it (the synchronous API and `js` keep refusing them as
// unknown), checked, and turned into one abort event per call (CallControl).

import type { PoolCallOptions } from './options.js';
import { snapshotOptions } from '../tensor.js';

/**
 * How long a call aborted while its kernels run may go on before the pool treats its workers as
 * stuck, terminates them and fails (PoolCallOptions.signal): longer than calls of a few hundred
 * megabytes take.
 */
export const ABORT_GRACE_MS = 1000;
/** setTimeout's largest delay. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Splits the pool's per-call options off the options object at `args[at]` (read once: a shallow
 * copy without `signal` and `timeout` replaces it) and checks them. Other values at `at` are left
 * to the operation's own validation. `defaultTimeout` (the pool's `timeout`, checked when the pool
 * was created) applies to calls that give none.
 */
export function takeCallOptions(args: unknown[], at: number, op: string, defaultTimeout?: number): { args: unknown[]; control: CallControl | undefined } {
  const options = args[at];
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    return { args, control: defaultTimeout ? new CallControl(undefined, defaultTimeout) : undefined };
  }
  // Each option read once; signal and timeout own (undefined when not given), never inherited from Object.prototype.
  const { signal, timeout: own, ...rest } = snapshotOptions(options, ['signal', 'timeout']) as PoolCallOptions & Record<string, unknown>;
  const timeout = own ?? defaultTimeout;
  const rewritten = args.slice();
  rewritten[at] = rest;
  if (signal !== undefined && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal)) {
    throw new TypeError(`${op}: signal must be an AbortSignal, but got ${typeName(signal)}`);
  }
  if (timeout !== undefined) {
    if (typeof timeout !== 'number') throw new TypeError(`${op}: timeout must be a number of milliseconds, but got ${typeName(timeout)}`);
    if (!(timeout > 0 && timeout <= MAX_TIMEOUT_MS)) {
      throw new RangeError(`${op}: timeout must be milliseconds in (0, ${MAX_TIMEOUT_MS}], but got ${timeout}`);
    }
  }
  return { args: rewritten, control: signal || timeout ? new CallControl(signal, timeout) : undefined };
}

function typeName(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : `${typeof value} ${String(value)}`;
}

/**
 * One call's abort event: the signal's, or the timeout's (a TimeoutError DOMException, as
 * AbortSignal.timeout gives). Listeners run once, at the first of the two; the operations layer
 * disposes of it when the call has settled.
 */
export class CallControl {
  reason: unknown;
  aborted = false;
  private listeners: Array<(reason: unknown) => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onSignal = (): void => this.abort(this.signal!.reason);

  constructor(private readonly signal: AbortSignal | undefined, timeout: number | undefined) {
    if (signal?.aborted) {
      this.aborted = true;
      this.reason = signal.reason;
      return;
    }
    signal?.addEventListener('abort', this.onSignal, { once: true });
    if (timeout !== undefined) {
      this.timer = setTimeout(() => this.abort(new DOMException(`the pool call timed out after ${timeout} ms`, 'TimeoutError')), timeout);
    }
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Calls `listener` on abort (at once if aborted already). */
  onAbort(listener: (reason: unknown) => void): void {
    if (this.aborted) listener(this.reason);
    else this.listeners.push(listener);
  }

  /** `work`, or a rejection with the abort reason as soon as the call is aborted. */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.onAbort(reject);
      work.then(resolve, reject);
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onSignal);
    this.listeners = [];
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.dispose();
    for (const listener of listeners) listener(reason);
  }
}

/**
 * After an abort: while `ended()` is false and the pool has not `failed()`, `progress()` (what the
 * workers have finished) must change every ABORT_GRACE_MS, else `stuck()` (the pool terminates
 * its workers).
 */
export function watchProgress(progress: () => string, ended: () => boolean, failed: () => boolean, stuck: () => void): void {
  let seen = progress();
  const check = (): void => {
    if (ended() || failed()) return;
    const now = progress();
    if (now === seen) {
      stuck();
      return;
    }
    seen = now;
    arm();
  };
  const arm = (): void => {
    (setTimeout(check, ABORT_GRACE_MS) as { unref?: () => void }).unref?.();
  };
  arm();
}
