// Job ids are checked by one regex (JOB_ID_RE: what newJobId makes) wherever
// they come in: client calls (CLI status/metrics/cancel, the API), BullMQ job
// data read by the coordinator and workers. A bad id never reaches Redis.
import { afterAll, describe, expect, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import { QueueClient } from './client.js';
import { JOB_ID_RE, isJobId } from './stored.js';
import { newJobId } from './state.js';
import { parseEpochJobData, parseShardJobData, parseTrainJobData } from './job-data.js';
import { dropPrefix, testPrefix } from './fixtures.test-util.js';

const prefix = testPrefix('ids');
const client = new QueueClient({ prefix });
afterAll(async () => {
  await dropPrefix(client.redis, prefix);
  await client.close();
});

const BAD = ['', 'nope', '../etc/passwd', 'j0123456789ABCDEF', 'j0123456789abcdef0', '*', `${prefix}:job:x`, 'j0123456789abcde\n', '__proto__'];

describe('job ids', () => {
  it('newJobId makes ids the regex accepts', () => {
    for (let i = 0; i < 100; i++) expect(newJobId()).toMatch(JOB_ID_RE);
    for (const b of BAD) expect(isJobId(b), JSON.stringify(b)).toBe(false);
  });

  it('are refused by status, metrics and cancel before any Redis command', async () => {
    const sent: string[] = [];
    const redis = client.redis as unknown as { sendCommand: (c: { name: string }) => unknown };
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (c) => {
      sent.push(c.name);
      return send(c);
    };
    try {
      for (const id of BAD) {
        for (const call of [() => client.status(id), () => client.metrics(id), () => client.cancel(id)]) {
          await expect(call()).rejects.toThrow(/^job id: not a job id \(expected 'j' and 16 hex digits/);
        }
      }
      expect(sent).toEqual([]);
      // A well-formed unknown id does reach Redis and is "no job".
      await expect(client.status('j0000000000000000')).rejects.toThrow(/no job 'j0000000000000000'/);
      expect(sent.length).toBeGreaterThan(0);
    } finally {
      redis.sendCommand = send;
    }
  });

  it('in BullMQ job data are checked, failing that BullMQ job without retries', () => {
    expect(parseShardJobData({ jobId: 'j0123456789abcdef', epoch: 0, shard: 1, shards: 2 })).toEqual({ jobId: 'j0123456789abcdef', epoch: 0, shard: 1, shards: 2 });
    const bad: [() => unknown, RegExp][] = [
      [() => parseTrainJobData({ jobId: '../x' }), /train job data is invalid: jobId: must be a job id/],
      [() => parseEpochJobData({ jobId: 'j0123456789abcdef', epoch: 1e9 }), /epoch job data is invalid: epoch:/],
      [() => parseShardJobData({ jobId: 'j0123456789abcdef', epoch: 0, shard: 2, shards: 2 }), /shard: must be < shards/],
      [() => parseShardJobData({ jobId: 'j0123456789abcdef', epoch: 0, shard: 0, shards: 100_000 }), /shards:/],
      [() => parseShardJobData(null), /shard job data is invalid/],
    ];
    for (const [f, msg] of bad) {
      expect(f).toThrow(msg);
      expect(f).toThrow(UnrecoverableError);
    }
  });
});
