// The plain-JS executor: a job runs its backend's JS loops on the arrays themselves.

import type { SyncExecutor } from '../ops.js';

export const jsExecutor: SyncExecutor = {
  ready: () => {},
  run: (job) => job.backends.js(job.plan, job.inputs, job.output as never),
};
