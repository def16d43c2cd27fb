/**
 * Where the wall time of bench/dist-cost.ts's runs goes.
 *
 * Local (runTraining's callbacks): trainerStart (threads, wasm, replicas),
 * train (the epoch), evaluateAndSave (test evaluation, model + samples saved).
 *
 * Distributed, along the critical path: the shard whose result was stored
 * last, then the coordinator's steps (packages/queue/src/trace.ts phases):
 *   admission   enqueue -> the round's flow added (job admitted, W0 written)
 *   queueWait   flow added -> the shard picked up by its worker
 *   dataset     shard selected from the decoded set
 *   download    round weights + Adam state read
 *   trainerStart, train, upload   as named
 *   handover    shard stored -> the coordinator's round step starts (BullMQ parent job)
 *   average     start weights + S results read and averaged
 *   outer       outer step, next round's state written
 *   evaluate    test evaluation of the epoch's weights
 *   record      record moved on, run event, round's blobs deleted
 *   finish      model saved, job completed (to finishedAt)
 *   other       the rest (gaps between the phases: logs, run events, awaits)
 */
import type { Span } from '@tensorpool/queue';

export type Parts = Record<string, number>;

const s = (ms: number) => Math.round(ms) / 1000;

/** marks: start, epoch start (trainer ready), epoch end, done (Date.now()). */
export function localParts(marks: number[]): Parts {
  return { trainerStart: s(marks[1] - marks[0]), train: s(marks[2] - marks[1]), evaluateAndSave: s(marks[3] - marks[2]) };
}

export function criticalPath(spans: Span[], enqueued: number, done: number): Parts {
  const of = (phase: Span['phase'], shard?: number) => spans.filter((x) => x.phase === phase && (shard === undefined || x.shard === shard));
  const uploads = of('upload');
  if (uploads.length === 0) throw new Error('no shard was stored');
  const last = uploads.reduce((a, b) => (b.end > a.end ? b : a));
  const dur = (phase: Span['phase'], shard?: number) => of(phase, shard).reduce((a, x) => a + Math.min(x.end, done) - x.start, 0);
  const queued = of('queued');
  const firstQueued = Math.min(...queued.map((x) => x.start));
  const firstCoord = Math.min(...of('average').map((x) => x.start));
  const parts: Parts = {
    admission: s(firstQueued - enqueued),
    queueWait: s(dur('queued', last.shard)),
    dataset: s(dur('dataset', last.shard)),
    download: s(dur('download', last.shard)),
    trainerStart: s(dur('trainer', last.shard)),
    train: s(dur('train', last.shard)),
    upload: s(dur('upload', last.shard)),
    handover: s(firstCoord - last.end),
    average: s(dur('average')),
    outer: s(dur('outer')),
    evaluate: s(dur('evaluate')),
    record: s(dur('record')),
    finish: s(dur('finish')),
    // The other shard's train time, for the imbalance between shards.
    trainOtherShards: s(Math.max(0, ...[...new Set(of('train').map((x) => x.shard))].filter((k) => k !== last.shard).map((k) => dur('train', k)))),
  };
  const named = Object.entries(parts).filter(([k]) => k !== 'trainOtherShards').reduce((a, [, v]) => a + v, 0);
  parts.other = Math.round((s(done - enqueued) - named) * 1000) / 1000;
  return parts;
}

const ROWS: [string, string][] = [
  ['admission', 'admission (enqueue -> round queued)'], ['queueWait', 'queue wait (worker pick-up)'], ['dataset', 'data (shard selection)'],
  ['download', 'weights down'], ['trainerStart', 'trainer start'], ['train', 'training'], ['upload', 'weights up'], ['handover', 'scheduling (stored -> averaging)'],
  ['average', 'averaging (incl. results read)'], ['outer', 'outer step + state written'], ['evaluate', 'evaluation'], ['evaluateAndSave', 'evaluation + save'],
  ['record', 'bookkeeping'], ['finish', 'save model + finish'], ['other', 'other'], ['trainOtherShards', '(other shard training)'], ['workerProcessStart', '(workers start, not in wall)'],
];

/** A short text table: one column per side, seconds (medians). */
export function table(summary: { side: string; wall: number; overhead: number; cpu: number; cpuOverhead: number; parts: Parts }[]): string {
    const w = Math.max(12, ...summary.map((x) => x.side.length + 2));
  const pad = (x: string) => x.padStart(w);
  const lines = [`${'part'.padEnd(38)}${summary.map((x) => pad(x.side)).join('')}`];
  for (const [k, label] of ROWS) {
    if (!summary.some((x) => x.parts[k] !== undefined)) continue;
    lines.push(`${label.padEnd(38)}${summary.map((x) => pad(x.parts[k] !== undefined ? x.parts[k].toFixed(2) : '')).join('')}`);
  }
  lines.push(`${'wall (s)'.padEnd(38)}${summary.map((x) => pad(x.wall.toFixed(2))).join('')}`);
  lines.push(`${'overhead vs local'.padEnd(38)}${summary.map((x) => pad(x.side === 'local' ? '' : `${(100 * x.overhead).toFixed(1)} %`)).join('')}`);
  lines.push(`${'CPU (s, this process)'.padEnd(38)}${summary.map((x) => pad(x.cpu.toFixed(2))).join('')}`);
  lines.push(`${'CPU overhead vs local'.padEnd(38)}${summary.map((x) => pad(x.side === 'local' ? '' : `${(100 * x.cpuOverhead).toFixed(1)} %`)).join('')}`);
  return `${lines.join('\n')}\n`;
}
