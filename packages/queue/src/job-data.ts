/**
 * BullMQ job data is read back from Redis like everything else: the
 * coordinator and workers check it before acting on it. Bad data fails that
 * BullMQ job without retries (UnrecoverableError) naming the field; it never
 * reaches a Redis key or a loop bound.
 *
 *   train : { jobId }
 *   epoch : { jobId, epoch, [round] }                 (EpochJobData; round < MAX_SYNC_EVERY, absent = 0)
 *   shard : { jobId, epoch, shard, shards, [round] }  (ShardJobData, shard < shards)
 */
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { limits, type EpochJobData, type ShardJobData } from '@tensorpool/core';
import { JOB_ID_RE } from './stored.js';
import { formatIssue, MAX_SYNC_EVERY } from './schema.js';
import { printable } from './payload-shape.js';

const jobId = z.string().regex(JOB_ID_RE, 'must be a job id');
const count = (max: number) => z.number().int().min(0).max(max);
const round = count(MAX_SYNC_EVERY - 1).optional();

function parse<T>(what: string, schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new UnrecoverableError(`${what} job data is invalid: ${printable(r.error.issues.slice(0, 3).map(formatIssue).join('; '), 300)}`);
  return r.data;
}

export function parseTrainJobData(data: unknown): { jobId: string } {
  return parse('train', z.object({ jobId }), data);
}

export function parseEpochJobData(data: unknown): EpochJobData {
  return parse('epoch', z.object({ jobId, epoch: count(limits().epochs - 1), round }), data);
}

export function parseShardJobData(data: unknown): ShardJobData {
  const l = limits();
  return parse('shard', z.object({ jobId, epoch: count(l.epochs - 1), shard: count(l.shards - 1), shards: count(l.shards).min(1), round })
    .refine((d) => d.shard < d.shards, { message: 'must be < shards', path: ['shard'] }), data);
}
