// The single-thread arithmetic roofline of WebAssembly SIMD128 on this machine, measured in the
// same run as the kernels it bounds: a loop of independent f32x4 multiply-adds on values that
// stay in registers (no loads, no stores), compiled here from AssemblyScript source with the
// installed compiler. `mul+add` is what the SIMD build's micro-kernels issue (f32x4.mul then
// f32x4.add), `relaxed_madd` what the relaxed-SIMD build's issue (a fused multiply-add where the
// CPU has one). 12 accumulators, as many as the x64 backend's 16 xmm registers leave room for
// with the operands, keep both pipes busy through the add / FMA latency.

import asc from 'assemblyscript/asc';
import v8 from 'node:v8';

const ACCUMULATORS = 12;

function source(madd) {
  const names = Array.from({ length: ACCUMULATORS }, (_, i) => `a${i}`);
  return `
export function peak(iterations: i32, m: f32, c: f32): f32 {
  const mv = f32x4.splat(m), cv = f32x4.splat(c);
  ${names.map((a, i) => `let ${a} = f32x4.splat(<f32>${i + 1} * c);`).join('\n  ')}
  for (let i = 0; i < iterations; i++) {
    ${names.map((a) => `${a} = ${madd(a)};`).join('\n    ')}
  }
  let s = ${names[0]};
  ${names.slice(1).map((a) => `s = f32x4.add(s, ${a});`).join('\n  ')}
  return f32x4.extract_lane(s, 0);
}`;
}

const VARIANTS = {
  'mul+add': { enable: ['simd'], madd: (a) => `f32x4.add(f32x4.mul(${a}, mv), cv)` },
  relaxed_madd: { enable: ['simd', 'relaxed-simd'], madd: (a) => `f32x4.relaxed_madd(${a}, mv, cv)` },
};

/** Compiles the peak loop of `variant` ('mul+add' | 'relaxed_madd'): a function (iterations) => result. */
export async function peakLoop(variant) {
  const { enable, madd } = VARIANTS[variant];
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); // Node 20 needs it for relaxed_madd
  const { binary, error, stderr } = await asc.compileString({ 'peak.ts': source(madd) },
    { optimizeLevel: 3, runtime: 'stub', noAssert: true, enable });
  if (error || !binary) throw new Error(`roofline: compiling the ${variant} loop failed: ${error?.message ?? stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary, {});
  const peak = instance.exports.peak;
  return (iterations) => peak(iterations, 0.999, 1e-3);
}

/** FLOPs of `iterations` iterations of the peak loop: 12 multiply-adds of 4 lanes, 2 FLOPs each. */
export const peakFlops = (iterations) => iterations * ACCUMULATORS * 4 * 2;
