// Where we depart from the ONNX reference's fixtures (test/fixtures/resize-onnx.json) on purpose,
// with the values exact arithmetic gives: the reference places its tap window from x + taps/2
// rounded to float64, so an x a hair above an integer gets the window one tap to the left
// (src/rules/onnx-axis.ts, tapWindow). Applied to the loaded cases (Node suites and the browser
// runner), so the fixture stays the reference's own output.

export const REFERENCE_DEPARTURES = {
  // [2, 3, 5] -> [2, 9, 6]: rows 3 -> 9 take rows 0,0,0,1,1,1,2,2,2; width 5 -> 6 (scale 1.25,
  // half_pixel_symmetric) has x = 0 exactly at output 0, 1.1e-16 in float64, where the
  // reference's window starts at -1 and exclude_outside drops that sample (0). Input column 0.
  'random 298 mode=nearest coordinateTransformationMode=half_pixel_symmetric axes=[-2,2] nearestMode=round_prefer_floor excludeOutside=1 scales=[3,1.25]':
    (input, expected) => {
      for (let n = 0; n < 2; n++) for (let r = 0; r < 9; r++) expected[(n * 9 + r) * 6] = input[(n * 3 + Math.floor(r / 3)) * 5];
    },
};

function floats(data) {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

function base64(values) {
  const bytes = new Uint8Array(values.buffer);
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return btoa(text);
}

/** The cases, with each departure's expected values written in (in place). */
export function withDepartures(cases) {
  for (const c of cases) {
    const patch = REFERENCE_DEPARTURES[c.name];
    if (!patch || !c.expected) continue;
    const expected = floats(c.expected.data);
    patch(floats(c.inputs.input.data), expected);
    c.expected = { ...c.expected, data: base64(expected) };
  }
  return cases;
}
