/**
 * Redis connections from REDIS_URL (redis://user:pass@host:port/db, or
 * rediss:// for TLS, as ioredis parses them). BullMQ needs
 * maxRetriesPerRequest: null on connections used by workers.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { DEFAULTS } from '@tensorpool/core';

export function redisUrl(url?: string): string {
  return url ?? process.env.REDIS_URL ?? DEFAULTS.redisUrl;
}

export function connectRedis(url?: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisUrl(url), { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}
