// WebAssembly interpolation: lays the plan's tables and the input out in linear memory, runs the
// kernel of assembly/interpolate.ts, and copies the result out.

import type { InterpolatePlan } from '../interpolate.js';
import type { WasmModule } from './module.js';

/**
 * Copies the input and tables into linear memory and returns the kernel call and where its
 * output lands. Split from the copy-out so benchmarks can time the kernel alone.
 */
export function stageInterpolate(module: WasmModule, plan: InterpolatePlan, input: Float32Array,
                                 outputLength: number, target = -1): { run: () => void; dst: number } {
  const [inD, inH, inW] = plan.inDHW;
  const [outD, outH, outW] = plan.outDHW;
  const layout = module.layout();
  const src = layout.f32(input.length, input);
  const dst = target >= 0 ? target : layout.f32(outputLength); // a resident `out` is written in place
  const k = module.kernels;
  if (plan.kind === 'area' && plan.globalMean) {
    layout.commit();
    return { dst, run: () => k.planeMean(src, dst, plan.planes, inD * inH * inW) };
  }
  if (plan.kind === 'area') {
    const [sD, sH, sW] = plan.start.map((t) => layout.i32(t));
    const [eD, eH, eW] = plan.end.map((t) => layout.i32(t));
    layout.commit();
    return { dst, run: () => k.areaPool(src, dst, plan.planes, inD, inH, inW, outD, outH, outW, sD, eD, sH, eH, sW, eW) };
  }
  const [axisD, axisH, axisW] = plan.axes;
  const [[indexD, weightD], [indexH, weightH], [indexW, weightW]] =
    plan.axes.map((t) => [layout.i32(t.index), layout.f32(t.weight.length, t.weight)]);
  if (plan.rank === 2) {
    const { ring, tags } = layout.rowRing(axisH.taps, outW);
    layout.commit();
    return {
      dst,
      run: () => k.separable2d(src, dst, ring, tags, plan.planes, inH, inW, outH, outW,
        axisW.taps, indexW, weightW, plan.period[0], plan.period[1], axisH.taps, indexH, weightH),
    };
  }
  const tmpA = layout.f32(plan.tmpA);
  const tmpB = layout.f32(plan.tmpB);
  layout.commit();
  return {
    dst,
    run: () => k.separable(src, dst, tmpA, tmpB, plan.planes, plan.chunk, plan.rank, inD, inH, inW, outD, outH, outW,
      axisW.taps, indexW, weightW, plan.period[0], plan.period[1], axisH.taps, indexH, weightH, axisD.taps, indexD, weightD),
  };
}

export function runInterpolate(module: WasmModule, plan: InterpolatePlan, input: Float32Array, output: Float32Array): void {
  const target = module.residentPointer(output);
  const { run, dst } = stageInterpolate(module, plan, input, output.length, target);
  run();
  if (target < 0) output.set(module.f32(dst, output.length));
}
