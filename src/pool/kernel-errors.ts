// Errors thrown inside the workers, as the caller sees them: the worker's name and message in the
// rejection's message, its stack in `cause`. A failed shared-memory job is reported by message
// (the first worker to fail it) while the job's end is seen through shared memory: the two may
// come in either order, so they meet here, by the job's queue address.

import type { WorkerError } from './protocol.js';

/** A worker's error as the caller sees it. */
export function kernelFailure(error: WorkerError): Error {
  const cause = new Error(error.message);
  cause.name = error.name;
  if (error.stack) cause.stack = error.stack;
  return new Error(`pool worker: a kernel failed: ${error.name}: ${error.message}`, { cause });
}

interface Meeting {
  arrived: (error: Error) => void;
  promise: Promise<Error>;
}

/** The errors of failed shared-memory jobs, by queue address. */
export class KernelErrors {
  private readonly meetings = new Map<number, Meeting>();

  /** The error of the failed job at `queue`, once its worker's report has come. */
  of(queue: number): Promise<Error> {
    return this.meet(queue).promise;
  }

  /** A worker's report of the job at `queue` that failed in it. */
  reported(queue: number, error: WorkerError): void {
    this.meet(queue).arrived(kernelFailure(error));
  }

  /** The pool failed: jobs still waiting for a report get `error` instead. */
  failAll(error: Error): void {
    for (const meeting of this.meetings.values()) meeting.arrived(error);
  }

  /** The second to come removes the entry (the address serves later jobs). */
  private meet(queue: number): Meeting {
    let meeting = this.meetings.get(queue);
    if (meeting) {
      this.meetings.delete(queue);
      return meeting;
    }
    let arrived!: (error: Error) => void;
    const promise = new Promise<Error>((resolve) => { arrived = resolve; });
    meeting = { arrived, promise };
    this.meetings.set(queue, meeting);
    return meeting;
  }
}
