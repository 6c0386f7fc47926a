export interface SoakFigures {
  calls: number; refusalsTried: number; seconds: number; bytesOut: number;
  memoryBefore: number; memoryAfter: number;
  heapBefore: number; heapAfter: number;
  externalBefore: number; externalAfter: number;
  probeBefore: string; probeAfter: string;
}
export function soak(up: unknown, options: { calls: number; gc?: () => void; log?: (line: string) => void }): SoakFigures;
export function formatFigures(figures: SoakFigures): string;
