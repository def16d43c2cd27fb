/**
 * BullMQ objects bound to one key prefix and one Redis URL.
 */
import { FlowProducer, Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export function queueOpts(keys: Keys, connection: Redis | ConnectionOptions) {
  return { connection, prefix: keys.bullPrefix };
}

export interface Queues {
  train: Queue;
  epochs: Queue;
  shards: Queue;
  flow: FlowProducer;
  close(): Promise<void>;
}

export function openQueues(keys: Keys, connection: Redis): Queues {
  const o = queueOpts(keys, connection);
  const q = {
    train: new Queue(keys.trainQueue, o),
    epochs: new Queue(keys.epochQueue, o),
    shards: new Queue(keys.shardQueue, o),
    flow: new FlowProducer(o),
  };
  return {
    ...q,
    async close() {
      await Promise.all([q.train.close(), q.epochs.close(), q.shards.close(), q.flow.close()]);
    },
  };
}
