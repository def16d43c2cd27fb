/**
 * A local run's events (packages/core/src/events.ts) appended to
 * `<out>/events.jsonl`, one JSON object per line, for `tensorpool dashboard`.
 * Each event is one appendFileSync of one line, so a reader following the
 * file sees whole lines (or a partial last line it leaves for later).
 * `hooks()` gives runTraining's callbacks: a `step` event every `stepEvery`
 * steps (and at the last step), an `epoch-end` per epoch.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, makeRunEvent, type RunEventInput } from '@tensorpool/core';
import { METRICS_JSON } from './model-dir.js';
import type { EpochRecord } from './metrics.js';
import type { ProgressInfo } from './types.js';
import { epochGate } from './epoch-gate.js';

export const EVENTS_FILE = 'events.jsonl';

export class RunEventLog {
  readonly file: string;

  constructor(dir: string, private readonly epochs: number, private readonly stepEvery: number = DEFAULTS.events.stepEvery) {
    if (!Number.isSafeInteger(stepEvery) || stepEvery < 1) throw new RangeError(`stepEvery must be a positive integer, got ${stepEvery}`);
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, EVENTS_FILE);
  }

  emit(e: RunEventInput): void {
    appendFileSync(this.file, `${JSON.stringify(makeRunEvent(e))}\n`);
  }

  /** runTraining's onProgress / onEpochEnd, emitting `step` and `epoch-end`. */
  hooks(): { onProgress: (epoch: number, p: ProgressInfo) => void; onEpochEnd: (r: EpochRecord) => void } {
    return {
      onProgress: (epoch, p) => {
        if (p.step % this.stepEvery !== 0 && p.step !== p.steps) return;
        this.emit({ type: 'step', epoch: epoch + 1, step: p.step, steps: p.steps, imagesPerSecond: p.imagesPerSecond, loss: p.loss, accuracy: p.accuracy });
      },
      onEpochEnd: (r) => {
        this.emit({ type: 'epoch-end', epochs: this.epochs, ...r });
        epochGate(r.epoch, this.epochs);
      },
    };
  }

  /** `run-finished` from the model directory's metrics.json (confusion matrix and labels). */
  finished(modelDir: string): void {
    const m = JSON.parse(readFileSync(join(modelDir, METRICS_JSON), 'utf8')) as {
      testLoss: number; testAccuracy: number; testSamples: number; labels: string[]; confusionMatrix: number[][];
    };
    this.emit({
      type: 'run-finished', testLoss: m.testLoss, testAccuracy: m.testAccuracy, testSamples: m.testSamples,
      labels: m.labels, confusionMatrix: m.confusionMatrix, modelDir,
    });
  }
}
