// Where we depart from the ONNX reference's fixtures (test/fixtures/resize-onnx.json) on purpose,
// with the values exact arithmetic gives: the reference places its tap window from x + taps/2
// rounded to float64, so an x a hair above an integer gets the window one tap to the left
// (src/rules/onnx-axis.ts, tapWindow). Applied to the loaded cases, so the fixture stays the
// reference's own output.

type Patch = (input: Float32Array, expected: Float32Array) => void;

export const REFERENCE_DEPARTURES: Readonly<Record<string, Patch>> = {
  // [2, 3, 5] -> [2, 9, 6]: rows 3 -> 9 take rows 0,0,0,1,1,1,2,2,2; width 5 -> 6 (scale 1.25,
  // half_pixel_symmetric) has x = 0 exactly at output 0, 1.1e-16 in float64, where the
  // reference's window starts at -1 and exclude_outside drops that sample (0). Input column 0.
  'random 298 mode=nearest coordinateTransformationMode=half_pixel_symmetric axes=[-2,2] nearestMode=round_prefer_floor excludeOutside=1 scales=[3,1.25]':
    (input, expected) => {
      for (let n = 0; n < 2; n++) for (let r = 0; r < 9; r++) expected[(n * 9 + r) * 6] = input[(n * 3 + Math.floor(r / 3)) * 5];
    },
};

const floats = (data: string): Float32Array => {
  const bytes = Buffer.from(data, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** The cases with each departure's expected values written in. */
export function withDepartures<C extends { name: string; inputs: { input: { data: string } }; expected?: { data: string } }>(cases: C[]): C[] {
  for (const c of cases) {
    const patch = REFERENCE_DEPARTURES[c.name];
    if (!patch || !c.expected) continue;
    const expected = floats(c.expected.data);
    patch(floats(c.inputs.input.data), expected);
    c.expected = { ...c.expected, data: Buffer.from(expected.buffer).toString('base64') };
  }
  return cases;
}
