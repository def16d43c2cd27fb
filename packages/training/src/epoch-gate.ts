/**
 * A test hook, off by default: with TENSORPOOL_TEST_EPOCH_GATE=<dir>, a local
 * run stops after writing epoch k's `epoch-end` event (k < epochs) until the
 * file `<dir>/epoch-<k>` exists, so a test can look at a run that is
 * certainly mid-way (the dashboard's live-update test) without racing it.
 * It blocks the main thread (the trainer's threads are idle between epochs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const WAIT = new Int32Array(new SharedArrayBuffer(4));

export function epochGate(epoch: number, epochs: number, dir = process.env.TENSORPOOL_TEST_EPOCH_GATE): void {
  if (!dir || epoch >= epochs) return;
  const file = join(dir, `epoch-${epoch}`);
  while (!existsSync(file)) Atomics.wait(WAIT, 0, 0, 50);
}
