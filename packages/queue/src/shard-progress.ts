/**
 * A shard's progress through its epoch as whole steps: `step` of the
 * `steps` steps of the shard's epoch (all its rounds), never a rounded
 * percent, so the first step of a 500-step shard shows (1/500, not 0 %).
 * The worker writes it twice: in the job's progress hash (field = shard,
 * value "step/steps", read by status, the API and the dashboard) and as the
 * BullMQ shard job's progress ({ step, steps }). Both are validated when read
 * back: a value that is not one is ignored (progress is cosmetic; it never
 * fails a status).
 */
import { z } from 'zod';

export interface ShardProgress {
  step: number;
  steps: number;
}

/** Shard `shard`'s steps done in the current epoch, as status reports them. */
export interface ShardStepProgress extends ShardProgress {
  shard: number;
}

/** Steps per shard epoch are bounded by the samples limit (one sample per step at least); 2^31 covers any. */
const MAX_STEPS = 2 ** 31;

const progress = z.object({
  step: z.number().int().min(0),
  steps: z.number().int().min(1).max(MAX_STEPS),
}).strict().refine((p) => p.step <= p.steps, 'step must be <= steps');

/** The progress hash value: "step/steps". */
export function formatShardProgress(p: ShardProgress): string {
  return `${p.step}/${p.steps}`;
}

/** A BullMQ shard job's progress ({ step, steps }), or undefined when it is not one. */
export function parseShardJobProgress(v: unknown): ShardProgress | undefined {
  const r = progress.safeParse(v);
  return r.success ? r.data : undefined;
}

/**
 * A progress hash value: "step/steps", or a fraction in [0, 1] as workers
 * wrote it before step counts (0 of 1 steps done .. 1 of 1) — kept readable
 * during a rolling upgrade. Undefined when it is neither.
 */
export function parseStoredShardProgress(s: string): ShardProgress | undefined {
  const m = /^(\d{1,10})\/(\d{1,10})$/.exec(s);
  if (m) return parseShardJobProgress({ step: Number(m[1]), steps: Number(m[2]) });
  if (!/^(0|1)(\.\d{1,8})?$/.test(s) || Number(s) > 1) return undefined;
  // Old fraction: as steps out of 10^4 (the 4 decimals it was written with).
  return { step: Math.round(Number(s) * 1e4), steps: 1e4 };
}

/** The progress hash of a job (shard -> value) read back: valid shards below `shards` only, in shard order. */
export function parseProgressHash(h: Record<string, string>, shards: number): ShardStepProgress[] {
  const out: ShardStepProgress[] = [];
  for (const [k, v] of Object.entries(h)) {
    if (!/^\d{1,4}$/.test(k) || Number(k) >= shards) continue;
    const p = parseStoredShardProgress(v);
    if (p) out.push({ shard: Number(k), ...p });
  }
  return out.sort((a, b) => a.shard - b.shard);
}

/** Fraction of the epoch done over all `shards` shards (a shard without progress counts 0). */
export function epochFraction(ps: ShardStepProgress[], shards: number): number {
  return Math.min(1, ps.reduce((a, p) => a + p.step / p.steps, 0) / shards);
}
