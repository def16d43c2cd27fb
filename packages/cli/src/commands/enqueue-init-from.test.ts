/**
 * `tensorpool enqueue --init-from m.h5` (real Redis, own prefix): the CLI
 * reads the file on its own machine, stores the model and queues a job that
 * names the stored id, with the file's architecture; a file with an
 * unsupported layer, or --init-from with --preset, is one line on stderr,
 * exit 1 / 2, and no job and no model in Redis.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SPEC, writeKerasFixture } from '@tensorpool/engine/keras-fixture.test-util';
import { connectRedis, createKeys, getJobRecord, MODEL_ID_RE } from '@tensorpool/queue';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tp-cli-enqueue-init-'));
const prefix = `tp-test-cli-enqueue-init-${process.pid}-${Date.now().toString(36)}`;
const redis = connectRedis();
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, 'enqueue', ...args], { encoding: 'utf8', env: { ...process.env, TENSORPOOL_PREFIX: prefix, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.trim().split('\n').filter(Boolean) };
};

beforeAll(async () => {
  await writeKerasFixture(join(dir, 'ok.h5'));
  await writeKerasFixture(join(dir, 'unsupported.h5'), 'unsupported');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('enqueue --init-from', () => {
  it('refuses an unsupported layer and --preset with one line, queuing and storing nothing', async () => {
    const bad = cli('--init-from', join(dir, 'unsupported.h5'), '--epochs', '1');
    expect(bad.status).toBe(1);
    expect(bad.lines).toEqual([expect.stringMatching(/^tensorpool: initFrom: .*unsupported\.h5: .*LayerNormalization at index 1 \('layer_normalization'\) is not supported/)]);
    const both = cli('--init-from', join(dir, 'ok.h5'), '--preset', 'fashion-mnist');
    expect(both.status).toBe(2);
    expect(both.lines).toEqual([expect.stringMatching(/--init-from and --preset\/--spec cannot be combined/)]);
    // BullMQ's queue meta keys appear when the client opens the queues; no job, no model.
    expect((await redis.keys(`${prefix}:*`)).filter((k) => !k.endsWith(':meta'))).toEqual([]);
  });

  it('queues a job naming the stored model, with the file architecture', async () => {
    const r = cli('--init-from', join(dir, 'ok.h5'), '--epochs', '1', '--normalization', 'div255', '--json');
    expect(r.lines).toEqual([]);
    expect(r.status).toBe(0);
    const { jobId } = JSON.parse(r.stdout) as { jobId: string };
    const rec = await getJobRecord(redis, createKeys(prefix), jobId);
    expect(rec?.options.initFrom).toMatch(MODEL_ID_RE);
    expect(rec?.options.spec.layers).toEqual(FIXTURE_SPEC.layers);
    expect(rec?.options.normalization).toBe('div255');
    expect(await redis.exists(createKeys(prefix).model(rec!.options.initFrom!.slice(7)))).toBe(1);
  });
});
