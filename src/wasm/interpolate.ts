// WebAssembly interpolation: lays the plan's tables and the input out in linear memory and
// returns the kernel calls (assembly/interpolate.ts) as records.

import { call } from '../kernels.js';
import type { InterpolateInputs, InterpolatePlan } from '../interpolate.js';
import type { Layout } from './module.js';
import { stageResize } from './resize.js';
import type { Staged } from './staged.js';

export function stageInterpolate(layout: Layout, plan: InterpolatePlan, { input }: InterpolateInputs,
                                 outputLength: number, target: number): Staged {
  if (plan.kind === 'passes') return stageResize(layout, plan.resize, { input }, outputLength, target);
  const [inD, inH, inW] = plan.inDHW;
  const [outD, outH, outW] = plan.outDHW;
  const src = layout.f32(input.length, input);
  const dst = target >= 0 ? target : layout.f32(outputLength); // a resident `out` is written in place
  const { planes } = plan;
  if (plan.kind === 'area' && plan.globalMean) {
    return { dst, calls: [call('planeMean', { src, dst, planes, planeSize: inD * inH * inW, channels: plan.channels })] };
  }
  if (plan.kind === 'area') {
    const [startD, startH, startW] = plan.start.map((t) => layout.i32(t));
    const [endD, endH, endW] = plan.end.map((t) => layout.i32(t));
    return {
      dst,
      calls: [call('areaPool', { src, dst, planes, inD, inH, inW, outD, outH, outW, startD, endD, startH, endH, startW, endW, channels: plan.channels })],
    };
  }
  const [axisD, axisH, axisW] = plan.axes;
  const [[indexD, weightD], [indexH, weightH], [indexW, weightW]] =
    plan.axes.map((t) => [layout.i32(t.index), layout.f32(t.weight.length, t.weight)]);
  const [periodLo, periodHi] = plan.period;
  const tapsW = axisW.taps;
  const tapsH = axisH.taps;
  if (plan.rank === 2) {
    const { ring, tags: ringRows } = layout.rowRing(tapsH, outW);
    return {
      dst,
      calls: [call('separable2d', { src, dst, ring, ringRows, planes, inH, inW, outH, outW,
        tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH, channels: 1 })],
    };
  }
  const tmpA = layout.f32(plan.tmpA);
  const tmpB = layout.f32(plan.tmpB);
  return {
    dst,
    calls: [call('separable', { src, dst, tmpA, tmpB, planes, chunk: plan.chunk, rank: plan.rank, inD, inH, inW, outD, outH, outW,
      tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH, tapsD: axisD.taps, indexD, weightD })],
  };
}
