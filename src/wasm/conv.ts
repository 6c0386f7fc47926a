// WebAssembly convolution and transposed convolution: lays the plan's tables, the input and the
// weights out in linear memory and returns the kernel calls of assembly/conv.ts as records: build
// the padded input and the packed weights, then run every phase; for a plan with a Winograd
// layout, Winograd's calls (assembly/winograd.ts) beside the direct ones, the values choosing.

import type { ConvInputs } from '../conv/plan.js';
import { needsScatter } from '../conv/plan.js';
import { winogradScratchFloats, winogradWithin, type WinogradLayout } from '../conv/winograd.js';
import { PHASE, PHASE_FIELDS, scatterGeometry, X_SLACK, type ConvPlan } from '../conv/phases.js';
import { call, type KernelCall } from '../kernels.js';
import { runsLength } from '../tiling/runs.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

/**
 * The input's and output's buffers: the arrays, or a band's runs of them, packed (its output is
 * copied out run by run, even into a resident `out`); a resident `out` of a whole call is written in place.
 */
function stageArrays(layout: Layout, plan: ConvPlan, input: Float32Array, outputLength: number, target: number): { src: number; dst: number; runs?: Staged['runs'] } {
  const { band } = plan;
  if (band) return { src: layout.f32Runs(input, band.input), dst: layout.f32(runsLength(band.output)), runs: band.output };
  return { src: layout.f32(input.length, input), dst: target >= 0 ? target : layout.f32(outputLength) };
}

export function stageConv(layout: Layout, plan: ConvPlan, inputs: ConvInputs, outputLength: number, target: number): Staged {
  const { input, weight, bias } = inputs;
  if (needsScatter(plan, weight)) return stageScatter(layout, plan, inputs, outputLength, target);
  const wino = winogradWithin(plan, layout.budget) ? plan.winograd : undefined;
  const [inD, inH, inW] = plan.inDHW;
  const [eD, eH, eW] = plan.extent;
  const { groups, groupIn, groupOut: M, phaseCount, packedGroup, batch } = plan;
  const channels = groups * groupIn;
  const { src, dst, runs } = stageArrays(layout, plan, input, outputLength, target);
  const slack = wino ? wino.slack : X_SLACK;
  const x = layout.f32(batch * channels * plan.xChannel + slack);
  const w = layout.f32(weight.length, weight);
  const packed = layout.f32(groups * packedGroup);
  const taps = layout.i32(plan.taps);
  const [tableD, tableH, tableW] = plan.gather.map((t) => layout.i32(t));
  const offsets = layout.i32(plan.offsets);
  const phases = layout.i32(plan.phases);
  // Without a bias the kernels add zeros, so they have one code path.
  const b = layout.f32(groups * M, bias ?? new Float32Array(groups * M));
  const [outD, outH, outW] = plan.outDHW;
  // Two gate words: [a value outside Winograd's range, all inside]. The direct calls skip while the
  // second is set, Winograd's while the first is: winogradRange flips both when it finds one, so
  // the values decide in WebAssembly, with no scan on the calling thread (src/conv/winograd.ts).
  const gates = layout.i32(Int32Array.of(0, wino ? 1 : 0));
  const direct = <C extends KernelCall>(c: C): C => (wino ? { ...c, fallback: true } : c);
  const calls: KernelCall[] = [
    call('gatherInput', { src, dst: x, planes: batch * channels, inD, inH, inW, eD, eH, eW, tableD, tableH, tableW,
      runLo: plan.run[0], runHi: plan.run[1], slack }),
    direct(call('packWeights', { dst: packed, src: w, phases, phaseCount, taps, groups, groupIn, M,
      coStride: plan.coStride, ciStride: plan.ciStride, weightGroup: plan.weightGroup, skip: gates + 4 })),
    direct(call('convPhases', { x, xBatch: channels * plan.xChannel, xGroup: groupIn * plan.xChannel, xStrideD: eH * eW, xStrideH: eW,
      phases, phaseCount, offsets, packed, packedGroup, bias: b, M, out: dst, outChannel: outD * outH * outW, batch, groups,
      groupIn, xChannel: plan.xChannel, panel: layout.f32(panelFloats(plan.phases)), skip: gates + 4 })),
  ];
  if (wino) {
    const inputLength = plan.band ? runsLength(plan.band.input) : input.length;
    const winoPhases = layout.i32(wino.phases);
    const winoPacked = layout.f32(groups * wino.packedGroup);
    calls.unshift(call('winogradRange', { src, length: inputLength, flags: gates }), call('winogradRange', { src: w, length: weight.length, flags: gates }));
    calls.push(
      call('packWinogradWeights', { dst: winoPacked, src: w, phases: winoPhases, phaseCount: wino.phaseCount, taps: layout.i32(wino.taps),
        size: wino.size, groups, groupIn, M, coStride: plan.coStride, ciStride: plan.ciStride, weightGroup: plan.weightGroup, skip: gates }),
      call('convWinograd', { x, xBatch: channels * plan.xChannel, xGroup: groupIn * plan.xChannel, xStrideH: eW, xChannel: plan.xChannel,
        phases: winoPhases, phaseCount: wino.phaseCount, size: wino.size, packed: winoPacked, packedGroup: wino.packedGroup, bias: b,
        zeros: layout.f32(4, new Float32Array(4)), M, out: dst, outChannel: outD * outH * outW, batch, groups, groupIn,
        rowStart: 0, rowEnd: wino.tileRows, ...winogradScratch(layout, wino, groupIn, M), skip: gates }),
    );
  }
  return { dst, runs, calls };
}

/**
 * A Winograd call's scratch (each pool chunk its own, ../pool/split.ts): its K offsets, one block
 * of transformed input and of products (two of products where phases run in pairs), and the
 * pairs' rows (WinogradScratch sizes them).
 */
export function winogradScratch(layout: Layout, wino: WinogradLayout, groupIn: number, M: number):
  { tileBlock: number; kOffsets: number; vScratch: number; mScratch: number; mScratch2: number; rowScratch: number } {
  const { tileBlock } = wino;
  const kOffsets = layout.i32(Int32Array.from({ length: groupIn }, (_, i) => i * tileBlock));
  return { tileBlock, kOffsets, ...winogradBlocks(layout, wino, groupIn, M) };
}

/** The per-chunk blocks of a Winograd call's scratch (see winogradScratch), reserved in `layout`. */
export function winogradBlocks(layout: Layout, wino: Pick<WinogradLayout, 'points' | 'tileBlock' | 'paired'>, groupIn: number, M: number):
  { vScratch: number; mScratch: number; mScratch2: number; rowScratch: number } {
  const floats = winogradScratchFloats(wino, groupIn, M);
  return {
    vScratch: layout.f32(floats.vScratch), mScratch: layout.f32(floats.mScratch),
    mScratch2: layout.f32(floats.mScratch2), rowScratch: layout.f32(floats.rowScratch),
  };
}

/** Floats of convPhases' panel scratch (a pixel tile's x, K rows of 8): 8 x the largest K of a phase. */
export function panelFloats(phases: Int32Array): number {
  let K = 0;
  for (let r = 0; r < phases.length; r += PHASE_FIELDS) K = Math.max(K, phases[r + PHASE.K]);
  return 8 * K;
}

/** The exact path for transposed convolutions with NaN or infinite weights (see needsScatter). */
function stageScatter(layout: Layout, plan: ConvPlan, { input, weight, bias }: ConvInputs, outputLength: number, target: number): Staged {
  const { groups, groupOut } = plan;
  const { src: x, dst: out, runs } = stageArrays(layout, plan, input, outputLength, target);
  const w = layout.f32(weight.length, weight);
  const b = layout.f32(groups * groupOut, bias ?? new Float32Array(groups * groupOut));
  return {
    dst: out,
    runs,
    calls: [call('convTransposeScatter', { x, w, bias: b, out, batch: plan.batch, groups, groupIn: plan.groupIn, groupOut,
      ...scatterGeometry(plan) })],
  };
}
