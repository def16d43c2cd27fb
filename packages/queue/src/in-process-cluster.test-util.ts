/**
 * A coordinator and one worker in the test's own process, on a small .npz
 * (20 samples) in a fresh data root, under the test's own key prefix;
 * started before the file's tests, closed and cleaned up after them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { QueueClient } from './client.js';
import { Coordinator } from './coordinator.js';
import { ShardWorker } from './worker.js';
import { dropPrefix, testPrefix, tmpDir, writeNpz } from './fixtures.test-util.js';

export function inProcessCluster(name: string) {
  const prefix = testPrefix(name);
  const { dir, cleanup } = tmpDir(`tp-${name}-`);
  const root = join(dir, 'root');
  mkdirSync(root);
  writeNpz(join(root, 'small.npz'), 20);
  const models = join(dir, 'models');
  const client = new QueueClient({ prefix, dataRoot: root });
  const coordinator = new Coordinator({ prefix, modelsDir: models, dataRoot: root, threads: 1 });
  const worker = new ShardWorker({ prefix, dataRoot: root, threads: 1, id: `w-${name}` });
  beforeAll(async () => {
    await coordinator.start();
    await worker.start();
  });
  afterAll(async () => {
    await worker.close();
    await coordinator.close();
    await dropPrefix(client.redis, prefix);
    await client.close();
    cleanup();
  });
  return { prefix, dir, root, models, client, coordinator, worker };
}
