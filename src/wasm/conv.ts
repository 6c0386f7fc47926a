// WebAssembly convolution and transposed convolution: lays the plan's tables, the input and the
// weights out in linear memory, builds the padded input and the packed weights there, runs every
// phase (assembly/conv.ts) and copies the result out.

import { needsScatter, X_SLACK, type ConvPlan } from '../conv.js';
import type { WasmModule } from './module.js';

/** Stages one call; `run` does the work in linear memory, and the result lands at `dst`. */
export function stageConv(module: WasmModule, plan: ConvPlan, input: Float32Array, weight: Float32Array,
                          bias: Float32Array | undefined, outputLength: number, target = -1): { run: () => void; dst: number } {
  if (needsScatter(plan, weight)) return stageScatter(module, plan, input, weight, bias, outputLength, target);
  const k = module.kernels;
  const [inD, inH, inW] = plan.inDHW;
  const [eD, eH, eW] = plan.extent;
  const channels = plan.groups * plan.groupIn;
  const outChannels = plan.groups * plan.groupOut;
  const packedGroup = plan.packedGroup;
  const layout = module.layout();
  const src = layout.f32(input.length, input);
  const x = layout.f32(plan.batch * channels * plan.xChannel + X_SLACK);
  const w = layout.f32(weight.length, weight);
  const packed = layout.f32(plan.groups * packedGroup);
  const taps = layout.i32(plan.taps);
  const [tableD, tableH, tableW] = plan.gather.map((t) => layout.i32(t));
  const offsets = layout.i32(plan.offsets);
  const phases = layout.i32(plan.phases);
  // Without a bias the kernels add zeros, so they have one code path.
  const b = layout.f32(outChannels, bias ?? new Float32Array(outChannels));
  const dst = target >= 0 ? target : layout.f32(outputLength); // a resident `out` is written in place
  layout.commit();
  const [outD, outH, outW] = plan.outDHW;
  const run = (): void => {
    k.gatherInput(src, x, plan.batch * channels, inD, inH, inW, eD, eH, eW, tableD, tableH, tableW,
      plan.run[0], plan.run[1], X_SLACK);
    k.packWeights(packed, w, phases, plan.phaseCount, taps, plan.groups, plan.groupIn, plan.groupOut,
      plan.coStride, plan.ciStride, plan.weightGroup);
    k.convPhases(x, channels * plan.xChannel, plan.groupIn * plan.xChannel, eH * eW, eW,
      phases, plan.phaseCount, offsets, packed, packedGroup,
      b, plan.groupOut, dst, outD * outH * outW, plan.batch, plan.groups);
  };
  return { run, dst };
}

/** The exact path for transposed convolutions with NaN or infinite weights (see needsScatter). */
function stageScatter(module: WasmModule, plan: ConvPlan, input: Float32Array, weight: Float32Array,
                      bias: Float32Array | undefined, outputLength: number, target: number): { run: () => void; dst: number } {
  const layout = module.layout();
  const src = layout.f32(input.length, input);
  const w = layout.f32(weight.length, weight);
  const b = layout.f32(plan.groups * plan.groupOut, bias ?? new Float32Array(plan.groups * plan.groupOut));
  const dst = target >= 0 ? target : layout.f32(outputLength);
  layout.commit();
  const run = (): void => module.kernels.convTransposeScatter(src, w, b, dst, plan.batch, plan.groups, plan.groupIn, plan.groupOut,
    ...plan.inDHW, ...plan.outDHW, ...plan.kernel, ...plan.stride, ...plan.padding, ...plan.dilation);
  return { run, dst };
}

export function runConv(module: WasmModule, plan: ConvPlan, input: Float32Array, weight: Float32Array,
                        bias: Float32Array | undefined, output: Float32Array): void {
  const target = module.residentPointer(output);
  const { run, dst } = stageConv(module, plan, input, weight, bias, output.length, target);
  run();
  if (target < 0) output.set(module.f32(dst, output.length));
}
