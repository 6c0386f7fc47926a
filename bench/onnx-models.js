// Tiny ONNX models for the peers benchmark, encoded by hand: just enough protobuf (varints,
// length-delimited fields, packed repeated fields) for ModelProto -> GraphProto -> NodeProto with
// attributes and float initializers. Field numbers are those of onnx/onnx.proto.

// ---- protobuf wire format ----
function varint(n) {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n)); // negative int64s are ten-byte two's complement varints
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}
const tag = (field, wire) => varint((field << 3) | wire);
const bytes = (x) => (typeof x === 'string' ? [...new TextEncoder().encode(x)] : [...x]);
/** A length-delimited field: a string, bytes or an encoded sub-message. */
const ld = (field, x) => { const b = bytes(x); return [...tag(field, 2), ...varint(b.length), ...b]; };
const int = (field, n) => [...tag(field, 0), ...varint(n)];
const f32 = (field, x) => [...tag(field, 5), ...new Uint8Array(Float32Array.of(x).buffer)];
const packedInts = (field, ns) => ld(field, ns.flatMap(varint));

// ---- ONNX messages ----
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 };
const ELEM_FLOAT = 1;

function attribute(name, value) {
  if (typeof value === 'string') return [...ld(1, name), ...int(20, ATTR.STRING), ...ld(4, value)];
  if (Array.isArray(value)) return [...ld(1, name), ...int(20, ATTR.INTS), ...value.flatMap((v) => int(8, v))];
  if (Number.isInteger(value) && !Object.is(value, -0) && name !== 'cubic_coeff_a') return [...ld(1, name), ...int(20, ATTR.INT), ...int(3, value)];
  return [...ld(1, name), ...int(20, ATTR.FLOAT), ...f32(2, value)];
}

function node(opType, inputs, outputs, attributes = {}) {
  return [
    ...inputs.flatMap((i) => ld(1, i)), ...outputs.flatMap((o) => ld(2, o)),
    ...ld(3, `${opType}_0`), ...ld(4, opType),
    ...Object.entries(attributes).flatMap(([k, v]) => ld(5, attribute(k, v))),
  ];
}

/** A float TensorProto with raw little-endian data. */
function initializer(name, dims, data) {
  const raw = new Uint8Array(Float32Array.from(data).buffer);
  return [...packedInts(1, dims), ...int(2, ELEM_FLOAT), ...ld(8, name), ...ld(9, raw)];
}

function valueInfo(name, dims, elem = ELEM_FLOAT) {
  const shape = dims.flatMap((d) => ld(1, int(1, d)));
  const tensorType = [...int(1, elem), ...ld(2, shape)];
  return [...ld(1, name), ...ld(2, ld(1, tensorType))];
}

function model({ nodes, initializers = [], inputs, outputs, opset = 13 }) {
  const graph = [
    ...nodes.flatMap((n) => ld(1, n)), ...ld(2, 'g'),
    ...initializers.flatMap((t) => ld(5, t)),
    ...inputs.flatMap((v) => ld(11, v)), ...outputs.flatMap((v) => ld(12, v)),
  ];
  // ir_version 7 goes with opset 13, 9 with opset 19.
  return Uint8Array.from([...int(1, opset >= 19 ? 9 : 7), ...ld(2, 'upsample-wasm bench'), ...ld(7, graph), ...ld(8, [...ld(1, ''), ...int(2, opset)])]);
}

// ---- the benchmark's models ----

/**
 * Resize by `scale` on H and W of an NCHW input. mode 'linear' / 'cubic' use half_pixel
 * coordinates (PyTorch's alignCorners=false); 'nearest' uses asymmetric + floor (PyTorch's legacy
 * nearest). cubic_coeff_a -0.75 is PyTorch's A.
 */
export function resizeModel(shape, scale, mode) {
  const [n, c, h, w] = shape;
  const attrs = mode === 'nearest'
    ? { mode, coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
    : { mode, coordinate_transformation_mode: 'half_pixel', ...(mode === 'cubic' ? { cubic_coeff_a: -0.75 } : {}) };
  return model({
    nodes: [node('Resize', ['X', '', 'scales'], ['Y'], attrs)],
    initializers: [initializer('scales', [4], [1, 1, scale, scale])],
    inputs: [valueInfo('X', shape)],
    outputs: [valueInfo('Y', [n, c, h * scale, w * scale])],
  });
}

/** ONNX element types by our array names (onnx.proto TensorProto.DataType). */
export const ONNX_ELEM = { float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, float16: 10 };

/** Resize (opset 19) with `scales` over every axis and ONNX's attributes as given, on `elem` tensors. */
export function resizeModelWith({ shape, scales, attrs, elem = 'float32' }) {
  const out = shape.map((d, i) => Math.floor(d * scales[i]));
  return model({
    nodes: [node('Resize', ['X', '', 'scales'], ['Y'], attrs)],
    initializers: [initializer('scales', [scales.length], scales)],
    inputs: [valueInfo('X', shape, ONNX_ELEM[elem])],
    outputs: [valueInfo('Y', out, ONNX_ELEM[elem])],
    opset: 19,
  });
}

/** ConvTranspose 2-D with PyTorch's weight layout (Cin, Cout, kH, kW), no bias. */
export function convTransposeModel(shape, weight, { stride, padding }) {
  return convModel('ConvTranspose', shape, weight, { stride, padding });
}

/**
 * Conv or ConvTranspose 2-D with PyTorch's weight layouts ((Cout, Cin, kH, kW) for Conv, (Cin,
 * Cout, kH, kW) for ConvTranspose), the same stride and padding on both axes, and a bias when given.
 */
export function convModel(op, shape, weight, { stride = 1, padding = 0, bias }) {
  const [n, , h, w] = shape;
  const transposed = op === 'ConvTranspose';
  const [a, b, kh, kw] = weight.shape;
  const size = (x, k) => (transposed ? (x - 1) * stride - 2 * padding + k : Math.floor((x + 2 * padding - k) / stride) + 1);
  const inputs = bias ? ['X', 'W', 'B'] : ['X', 'W'];
  return model({
    nodes: [node(op, inputs, ['Y'], { kernel_shape: [kh, kw], strides: [stride, stride], pads: [padding, padding, padding, padding] })],
    initializers: [initializer('W', weight.shape, weight.data), ...(bias ? [initializer('B', [bias.length], bias)] : [])],
    inputs: [valueInfo('X', shape)],
    outputs: [valueInfo('Y', [n, transposed ? b : a, size(h, kh), size(w, kw)])],
  });
}
