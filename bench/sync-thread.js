// One thread of the threads benchmark's ceiling row: the synchronous API on its own resident
// copy of a workload, CALLS calls for each message (the count), then a reply.

import { parentPort, workerData } from 'node:worker_threads';
import * as up from '../dist/index.js';
import { workloads } from './thread-workloads.js';

await up.init();
const w = workloads[workerData.workload];
const inputs = w.inputs().map((t) => up.allocTensor(t.shape, t.data));
const out = up.allocTensor(w.run(up, inputs).shape);
for (let i = 0; i < 20; i++) w.run(up, inputs, out); // warm
parentPort.on('message', (calls) => {
  for (let i = 0; i < calls; i++) w.run(up, inputs, out);
  parentPort.postMessage(calls);
});
parentPort.postMessage(0);
