/**
 * Progress of `dataset push` on stderr: a count and a rate, rewritten in place
 * on a terminal, one line per tenth otherwise (logs stay short).
 */
import { formatBytes } from '@tensorpool/datasets';

export class PushProgressLine {
  private start = Date.now();
  private lastTenth = -1;
  constructor(private readonly out: NodeJS.WriteStream, private readonly what: string) {}

  private write(text: string, done: boolean, fraction: number): void {
    if (this.out.isTTY) {
      this.out.write(`\r${text}\u001b[K${done ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.lastTenth || done) this.out.write(`${text}\n`);
    this.lastTenth = tenth;
  }

  private rate(x: number): number {
    return x / Math.max(1e-3, (Date.now() - this.start) / 1000);
  }

  count(done: number, total: number): void {
    const finished = done === total;
    this.write(`${this.what} ${done}/${total} (${this.rate(done).toFixed(0)}/s)`, finished, total ? done / total : 1);
  }

  /** Upload progress; the call with 0 chunks starts the clock (hashing before it is not upload time). */
  bytes(chunks: number, totalChunks: number, bytes: number): void {
    if (chunks === 0) {
      this.start = Date.now();
      return;
    }
    const finished = chunks === totalChunks;
    this.write(`${this.what} ${chunks}/${totalChunks} chunks, ${formatBytes(bytes)} (${formatBytes(this.rate(bytes))}/s)`, finished, totalChunks ? chunks / totalChunks : 1);
  }
}
