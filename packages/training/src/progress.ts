/**
 * A one-line progress bar per epoch on a TTY stream (stderr by default):
 *   epoch 2/4 [##########----------] 900/1875  612 img/s  ETA 0:48  loss 0.4123  acc 0.8512
 * On a non-TTY stream (a log file, CI, `docker logs`) it prints a plain line
 * at each tenth of the epoch instead, so long epochs show progress without
 * filling logs with redraws; stdout is never touched (--json stays clean).
 */
import type { ProgressInfo } from './types.js';
import type { EpochRecord } from './metrics.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class EpochProgress {
  private last = 0;
  private epochs = 0;
  /** Non-TTY: the last tenth of the epoch a line was printed for, and the last step seen. */
  private tenth = 0;
  private lastStep = 0;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly width = 24) {}

  private batch = 32;

  /** Call once per run: total epochs and the global batch (for the ETA). */
  start(epochs: number, batchSize: number): void {
    this.epochs = epochs;
    this.batch = batchSize;
  }

  update(epoch: number, p: ProgressInfo): void {
    const eta = p.imagesPerSecond > 0 ? ((p.steps - p.step) * this.batch) / p.imagesPerSecond : NaN;
    const stats = `${p.step}/${p.steps}  ${p.imagesPerSecond.toFixed(0)} img/s  ETA ${formatDuration(eta)}  loss ${p.loss.toFixed(4)}  acc ${p.accuracy.toFixed(4)}`;
    if (!this.stream.isTTY) {
      const tenth = Math.floor((p.step * 10) / Math.max(1, p.steps));
      if (p.step < this.lastStep) this.tenth = 0; // a new epoch
      this.lastStep = p.step;
      // The last tenth is the summary line's job (end()).
      if (tenth > this.tenth && tenth < 10) {
        this.tenth = tenth;
        this.stream.write(`epoch ${epoch + 1}/${this.epochs} ${tenth * 10}%  ${stats}\n`);
      }
      return;
    }
    const now = Date.now();
    if (p.step < p.steps && now - this.last < 100) return; // at most 10 redraws/s
    this.last = now;
    const filled = Math.round((p.step / p.steps) * this.width);
    const line = `epoch ${epoch + 1}/${this.epochs} [${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${stats}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns || 120) - 1)}\x1b[K`);
  }

  end(r: EpochRecord): void {
    this.tenth = 0;
    this.lastStep = 0;
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    const val = r.valLoss === null ? '' : `  val_loss ${r.valLoss.toFixed(4)}  val_acc ${(r.valAccuracy ?? NaN).toFixed(4)}`;
    this.stream.write(`epoch ${r.epoch}/${this.epochs}  ${formatDuration(r.seconds)}  ${r.imagesPerSecond.toFixed(1)} img/s  loss ${r.loss.toFixed(4)}  acc ${r.accuracy.toFixed(4)}${val}\n`);
  }
}
