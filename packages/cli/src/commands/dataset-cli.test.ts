/**
 * `tensorpool dataset push|ls|show|rm` against the real Redis under this
 * test's prefix: push reports undecodable files (never the workers), ls/show
 * find it by id and name, rm removes every key of it, bad input is one line
 * and a non-zero exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '@tensorpool/queue';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tp-cli-dataset-'));
const prefix = `tp-test-cli-dataset-${process.pid}-${Date.now().toString(36)}`;
const redis = connectRedis();
const cli = (...args: string[]) => spawnSync(process.execPath, [main, 'dataset', ...args], {
  encoding: 'utf8', env: { ...process.env, TENSORPOOL_PREFIX: prefix, FORCE_COLOR: '0' },
});

beforeAll(async () => {
  for (const [label, base] of [['dark', 30], ['light', 200]] as const) {
    mkdirSync(join(root, 'data', label), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const px = Buffer.alloc(10 * 10 * 3, base + i);
      await sharp(px, { raw: { width: 10, height: 10, channels: 3 } }).jpeg().toFile(join(root, 'data', label, `${i}.jpg`));
    }
  }
  writeFileSync(join(root, 'data', 'dark', 'broken.jpg'), 'not a jpeg');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(root, { recursive: true, force: true });
});

describe('tensorpool dataset', () => {
  it('pushes, lists, shows and removes a dataset', async () => {
    const push = cli('push', join(root, 'data'), '--name', 'shades', '--shape', '8x8x1', '--json');
    expect(push.status, push.stderr).toBe(0);
    const r = JSON.parse(push.stdout);
    expect(r).toMatchObject({ name: 'shades', train: 12, test: 4, chunksUploaded: 1, chunksSkipped: 0 });
    expect(r.skipped).toEqual([{ file: join(root, 'data', 'dark', 'broken.jpg'), reason: expect.stringMatching(/^cannot decode/) }]);
    expect(push.stderr).toContain(`skipped ${join(root, 'data', 'dark', 'broken.jpg')}: cannot decode`);

    const ls = cli('ls');
    expect(ls.stdout).toContain(r.dataset);
    expect(ls.stdout).toMatch(/shades\s+8x8x1\s+12 train\s+4 test/);
    const show = JSON.parse(cli('show', 'shades', '--json').stdout);
    expect(show).toMatchObject({ id: r.dataset, classes: ['dark', 'light'], shape: [8, 8, 1], bytes: r.bytes });

    expect(JSON.parse(cli('rm', 'shades', '--json').stdout)).toEqual({ dataset: r.dataset, removed: true });
    expect(await redis.keys(`${prefix}:dataset:*`)).toEqual([]);
    const gone = cli('show', r.dataset);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toBe(`tensorpool: dataset '${r.dataset}' is not in the store (redis prefix ${prefix}) [E_DATA]\n`);
  });

  it('refuses bad names and shapes with one line', () => {
    const name = cli('push', join(root, 'data'), '--name', '../evil');
    expect(name.status).toBe(2);
    expect(name.stderr).toMatch(/^tensorpool: --name must be .* got '..\/evil'/);
    const shape = cli('push', join(root, 'data'), '--shape', '8x8x4');
    expect(shape.status).toBe(2);
    expect(shape.stderr).toMatch(/^tensorpool: --shape must be HxWxC/);
  });
});
