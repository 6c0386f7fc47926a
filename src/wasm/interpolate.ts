// WebAssembly interpolation: lays the plan's tables and the input out in linear memory, runs the
// kernel of assembly/interpolate.ts, and copies the result out.

import type { InterpolatePlan } from '../interpolate.js';
import type { WasmModule } from './module.js';

export function runInterpolate(module: WasmModule, plan: InterpolatePlan, input: Float32Array, output: Float32Array): void {
  const [inD, inH, inW] = plan.inDHW;
  const [outD, outH, outW] = plan.outDHW;
  const layout = module.layout();
  const src = layout.f32(input.length, input);
  const dst = layout.f32(output.length);
  const k = module.kernels;
  if (plan.kind === 'area' && plan.globalMean) {
    layout.commit();
    k.planeMean(src, dst, plan.planes, inD * inH * inW);
  } else if (plan.kind === 'area') {
    const [sD, sH, sW] = plan.start.map((t) => layout.i32(t));
    const [eD, eH, eW] = plan.end.map((t) => layout.i32(t));
    layout.commit();
    k.areaPool(src, dst, plan.planes, inD, inH, inW, outD, outH, outW, sD, eD, sH, eH, sW, eW);
  } else {
    const [axisD, axisH, axisW] = plan.axes;
    const tables = plan.axes.map((t) => [layout.i32(t.index), layout.f32(t.weight.length, t.weight)]);
    const tmpA = layout.f32(plan.tmpA);
    const tmpB = layout.f32(plan.tmpB);
    layout.commit();
    k.separable(src, dst, tmpA, tmpB, plan.planes, plan.chunk, plan.rank, inD, inH, inW, outD, outH, outW,
      axisW.taps, tables[2][0], tables[2][1], plan.period[0], plan.period[1],
      axisH.taps, tables[1][0], tables[1][1], axisD.taps, tables[0][0], tables[0][1]);
  }
  output.set(module.f32(dst, output.length));
}
