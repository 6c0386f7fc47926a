export const REFERENCE_DEPARTURES: Readonly<Record<string, (input: Float32Array, expected: Float32Array) => void>>;
/** The cases, with each departure's expected values written in (in place). */
export function withDepartures<C extends { name: string; inputs: { input: { data: string } }; expected?: { data: string } }>(cases: C[]): C[];
