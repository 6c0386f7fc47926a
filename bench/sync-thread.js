// One thread of a benchmark's ceiling (threads, scaling): the synchronous API (of the build it
// is given, else the default) on its own resident copy of a workload, `calls` calls for each
// message (the count), then a reply. workerData: { workloads: URL of a module exporting
// `workloads`, workload: its index or id, build?, maximumMemory? }.

import { parentPort, workerData } from 'node:worker_threads';
import * as up from '../dist/index.js';

const { workloads } = await import(workerData.workloads);
await up.init({ ...(workerData.build ? { build: workerData.build } : {}), ...(workerData.maximumMemory ? { maximumMemory: workerData.maximumMemory } : {}) });
const w = typeof workerData.workload === 'number' ? workloads[workerData.workload] : workloads.find((x) => x.id === workerData.workload);
const inputs = w.inputs().map((t) => up.allocTensor(t.shape, t.data));
const out = up.allocTensor(w.run(up, inputs).shape);
for (let i = 0; i < 20; i++) w.run(up, inputs, out); // warm
parentPort.on('message', (calls) => {
  for (let i = 0; i < calls; i++) w.run(up, inputs, out);
  parentPort.postMessage(calls);
});
parentPort.postMessage(0);
