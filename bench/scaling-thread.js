// One thread of the scaling benchmark's ceiling: the synchronous API (of the build it is given)
// on its own resident copy of a workload, `calls` calls for each message, then a reply.

import { parentPort, workerData } from 'node:worker_threads';
import * as up from '../dist/index.js';
import { workloads } from './scaling-workloads.js';

await up.init({ build: workerData.build });
const w = workloads.find((x) => x.id === workerData.workload);
const inputs = w.inputs().map((t) => up.allocTensor(t.shape, t.data));
const out = up.allocTensor(w.run(up, inputs).shape);
for (let i = 0; i < 3; i++) w.run(up, inputs, out); // warm
parentPort.on('message', (calls) => {
  for (let i = 0; i < calls; i++) w.run(up, inputs, out);
  parentPort.postMessage(calls);
});
parentPort.postMessage(0);
