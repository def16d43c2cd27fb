/**
 * `tensorpool status` on a job whose record in Redis is corrupt ends with
 * one line naming the job and the field, code E_CORRUPT, no stack, exit 1.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueClient } from '@tensorpool/queue';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const prefix = `tp-test-cli-corrupt-${process.pid}`;
const client = new QueueClient({ prefix });
afterAll(async () => {
  const ks = await client.redis.keys(`${prefix}:*`);
  if (ks.length) await client.redis.del(...ks);
  await client.close();
});

describe('status of a corrupt job record', () => {
  it('is one line naming the job and field, and a non-zero exit', async () => {
    const { jobId } = await client.enqueue({ preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 2 });
    await client.redis.hset(client.keys.job(jobId), 'state', 'exploded');
    const r = spawnSync(process.execPath, [main, 'status', jobId], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, TENSORPOOL_PREFIX: prefix, TENSORPOOL_VERBOSE: '' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tensorpool: job ${jobId}: corrupt record in Redis: state: .* \\[E_CORRUPT\\]$`));
  });
});
