// A one-line progress bar on a terminal: files done, output megapixels per second overall and
// for the last file. Drawn only when the stream is a TTY; otherwise every call is a no-op.

export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class Progress {
  private readonly start = performance.now();
  private pixels = 0;
  private done = 0;
  private drawn = false;

  constructor(private readonly stream: TextStream, private readonly total: number, private readonly enabled: boolean) {}

  /** Records one finished file (`megapixels` written in `ms`) and redraws. */
  tick(name: string, megapixels: number, ms: number): void {
    this.done++;
    this.pixels += megapixels;
    if (!this.enabled) return;
    const width = 24;
    const filled = Math.round((width * this.done) / Math.max(1, this.total));
    const seconds = (performance.now() - this.start) / 1000;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} files ` +
      `${rate(this.pixels, seconds)} total, ${rate(megapixels, ms / 1000)} ${name}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line.padEnd(columns - 1)}`);
    this.drawn = true;
  }

  /** Ends the bar's line before other output. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

export function rate(megapixels: number, seconds: number): string {
  return `${(megapixels / Math.max(seconds, 1e-9)).toFixed(1)} MP/s`;
}
