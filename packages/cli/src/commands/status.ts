import type { Command } from 'commander';
import { withQueueClient } from '../queue-client.js';
import { type JobStatus, type RoundMetrics } from '@tensorpool/queue';

/** "spread 0.42 (shards x1.1 x1.3)": drift of one round (round-average.ts). */
function drift(r: RoundMetrics): string {
  const s = Number.isFinite(r.spread) ? r.spread.toFixed(3) : '-';
  return `spread ${s} (shards ${r.shards.map((x) => (Number.isFinite(x.deltaRatio) ? `x${x.deltaRatio.toFixed(2)}` : '-')).join(' ')})`;
}

function outerText(s: JobStatus): string {
  const o = s.outer ?? { kind: 'average', lr: 1, momentum: 0 };
  return o.kind === 'average' ? 'outer average' : `outer ${o.kind} lr ${o.lr} momentum ${o.momentum}`;
}

/** "batch 32 = 4 shards x 8 per step" (or what the shards actually see when that is not the job's batch). */
export function batchText(s: Pick<JobStatus, 'batchSize' | 'shardBatchSize' | 'shards'>): string {
  const seen = s.shards * s.shardBatchSize;
  return seen === s.batchSize ? `batch ${s.batchSize} = ${s.shards} shards x ${s.shardBatchSize} per step` : `batch ${seen} per step (${s.shards} shards x ${s.shardBatchSize}; job batch ${s.batchSize})`;
}

function pct(x: number | undefined): string {
  return x === undefined ? '-' : `${(100 * x).toFixed(2)}%`;
}

/** "12.3%", with two more digits below 1 % so the first steps of a long job do not read 0.0%. */
function progressText(p: number): string {
  return `${(100 * p).toFixed(p > 0 && p < 0.01 ? 3 : 1)}%`;
}

export function formatStatus(s: JobStatus): string {
  const lines = [
    `job ${s.id}${s.name ? ` (${s.name})` : ''}: ${s.state}, epoch ${s.epoch} of ${s.epochs} done, ${progressText(s.progress)}`,
    `  ${s.preset ?? 'custom spec'} on ${s.data}, ${s.shards} shards, optimizer ${s.optimizer}`,
    `  ${batchText(s)}`,
    `  sync ${s.syncEvery ?? 1}x per epoch${(s.syncEvery ?? 1) > 1 ? ` (round ${s.round} of ${s.syncEvery} done)` : ''}, ${outerText(s)}`,
  ];
  if (s.shardProgress?.length) lines.push(`  epoch ${s.epoch + 1} steps per shard: ${s.shardProgress.map((p) => `${p.shard}: ${p.step}/${p.steps}`).join(', ')}`);
  if (s.error) lines.push(`  error: ${s.error}`);
  for (const e of s.epochMetrics) {
    const val = e.valAccuracy !== undefined ? ` val_loss ${e.valLoss?.toFixed(4) ?? '-'} val_acc ${pct(e.valAccuracy)}` : '';
    lines.push(`  epoch ${e.epoch}: loss ${e.loss.toFixed(4)} acc ${pct(e.accuracy)}${val} test_loss ${e.testLoss?.toFixed(4) ?? '-'} test_acc ${pct(e.testAccuracy)} (${e.samples} samples, ${e.seconds.toFixed(1)} s)`);
    for (const r of e.rounds ?? []) lines.push(`    round ${r.round}: ${drift(r)}`);
  }
  for (const r of s.currentRounds ?? []) lines.push(`  epoch ${r.epoch} round ${r.round}: loss ${r.loss.toFixed(4)} ${drift(r)}`);
  lines.push(`  workers seen: ${s.workers.length ? s.workers.join(', ') : 'none yet'}`);
  if (s.out) lines.push(`  model: ${s.out}`);
  return lines.join('\n');
}

/** `tensorpool status JOB [--json]`: state, epoch k of N, progress, per-epoch metrics, workers seen. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show a distributed job: state, epoch k of N, progress, per-epoch metrics, workers seen')
    .argument('<job>', 'job id printed by enqueue')
    .option('--json', 'print the status as JSON')
    .action(async (job: string, o: { json?: boolean }) => {
      await withQueueClient(async (client) => {
        const s = await client.status(job);
        process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
      });
    });
}
