/**
 * Redis connections from REDIS_URL (redis://user:pass@host:port/db, or
 * rediss:// for TLS, as ioredis parses them).
 *
 * A Redis restart only pauses tensorpool: connections reconnect forever
 * (retryStrategy: 50 ms more per attempt, at most 2 s apart), commands issued
 * meanwhile wait in the offline queue (maxRetriesPerRequest: null, which
 * BullMQ also needs for its blocking connections), and commands in flight when
 * the connection dropped are sent again once it is back. Every write that may
 * thus run twice is idempotent (write-once shard results, deterministic job
 * ids, state transitions that check the current state).
 * test/redis-restart-keeps-job.test.ts kills Redis mid-job to prove it.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { DEFAULTS } from '@tensorpool/core';
import { silentLogger, type Logger } from './log.js';

export function redisUrl(url?: string): string {
  return url ?? process.env.REDIS_URL ?? DEFAULTS.redisUrl;
}

const RETRY_MAX_MS = 2_000;

export function connectRedis(url?: string, extra: RedisOptions = {}, log: Logger = silentLogger): Redis {
  const r = new Redis(redisUrl(url), {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 50, RETRY_MAX_MS),
    ...extra,
  });
  watchConnection(r, log);
  return r;
}

/**
 * One line when the connection is lost and one when it is back (instead of
 * ioredis's "Unhandled error event" on every reconnect attempt). Shape:
 * `redis 127.0.0.1:6379 unreachable (ECONNREFUSED), reconnecting`.
 */
function watchConnection(r: Redis, log: Logger): void {
  const where = `${r.options.host ?? '?'}:${r.options.port ?? '?'}`;
  let down = false;
  r.on('error', (e: Error & { code?: string }) => {
    if (down) return;
    down = true;
    log.error(`redis ${where} unreachable (${e.code ?? e.message}), reconnecting`);
  });
  r.on('ready', () => {
    if (!down) return;
    down = false;
    log.info(`redis ${where} reachable again`);
  });
}
