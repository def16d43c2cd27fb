import type { Command } from 'commander';
import { DEFAULTS } from '@tensorpool/core';
import { stopBounds, stopEnv, type StopBounds, type StopRole } from '@tensorpool/queue';
import { parseNonNegativeInt } from './parse.js';

/** The flags of a bounded stop (packages/queue/src/bounded-stop.ts), the same on worker, coordinator and serve. */
export interface StopFlags {
  stopGraceMs?: number;
  closeTimeoutMs?: number;
}

/** Adds --stop-grace-ms and --close-timeout-ms; `work` names what the grace is for ('the current shard'). */
export function stopFlags(cmd: Command, role: StopRole, work: string): Command {
  const env = stopEnv(role);
  const d = DEFAULTS.stop[role];
  return cmd
    .option('--stop-grace-ms <ms>', `on SIGTERM, how long ${work} may take to finish (default ${d.graceMs}, ${env.graceMs})`, parseNonNegativeInt('--stop-grace-ms'))
    .option('--close-timeout-ms <ms>', `then how long closing the Redis connections may take before exiting 1 (default ${d.closeMs}, ${env.closeMs})`, parseNonNegativeInt('--close-timeout-ms'));
}

/** The bounds from the flags, else the environment, else the defaults (validated: UsageError naming the variable). */
export function boundsOf(role: StopRole, o: StopFlags): StopBounds {
  return stopBounds(role, { graceMs: o.stopGraceMs, closeMs: o.closeTimeoutMs });
}
