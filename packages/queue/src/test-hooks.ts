/**
 * Test-only fault points, so an end-to-end test can kill a process exactly
 * where it says instead of hoping a timing window is hit. Off unless
 * TENSORPOOL_TEST_HOOKS is set; read once, when this module loads.
 *
 * TENSORPOOL_TEST_HOOKS is a JSON array of rules; a field left out matches anything:
 *
 *   [{ "at": "shard-step", "epoch": 0, "shard": 1, "step": 3, "pause": true },
 *    { "at": "epoch-averaged", "epoch": 1, "pause": true, "times": 0 },
 *    { "at": "thread-fault", "epoch": 0, "shard": 0, "step": 2, "how": "exit" }]
 *
 * Points (epoch and shard 0-based, step 1-based: the step just finished):
 *   starting        worker, coordinator, serve: the signal handler is installed, the start is next
 *                   (bounded-stop.ts; no epoch)
 *   request         serve: an HTTP request arrived and counts as in progress (api-process.ts; no epoch;
 *                   announced only, `pause` is ignored)
 *   shard-step      worker, after each training step of a shard (before the next one)
 *   shard-stored    worker, after a shard's result is stored, before BullMQ hears of it
 *   epoch-averaged  coordinator, after epoch e's last round is averaged and the epoch's metrics are
 *                   written, before the next flow (once per epoch, whatever its rounds)
 *   epoch-queued    coordinator, after a flow (parent + shard jobs) of epoch e is added (every round's)
 *   round-state     coordinator, after a round's successor state (weights, outer momentum, Adam) is
 *                   written and before the record moves on (every round; `step` never matches it)
 *   thread-fault    worker: the shard's trainer makes a gradient thread fail at `step`
 *                   (EpochOptions.testFault), so the shard fails and is retried
 *
 * A matching rule writes one line on stderr (pipes are synchronous on Linux,
 * so the line is out before the process goes on):
 *
 *   tensorpool-test-hook: <at> [epoch=<e>] [shard=<s>] [step=<k>] pid=<pid> [paused]
 *
 * and with `pause` waits until the process gets SIGUSR2 (the test kills it
 * there, or releases it). A rule fires `times` times per process (default 1,
 * 0 = every time).
 */
import { z } from 'zod';
import { UsageError } from '@tensorpool/core';

const POINTS = ['starting', 'request', 'shard-step', 'shard-stored', 'epoch-averaged', 'epoch-queued', 'round-state', 'thread-fault'] as const;
export type HookPoint = (typeof POINTS)[number];

const count = z.number().int().nonnegative();
const Rule = z.strictObject({
  at: z.enum(POINTS),
  epoch: count.optional(),
  shard: count.optional(),
  step: count.optional(),
  pause: z.boolean().optional(),
  times: count.optional(),
  how: z.enum(['throw', 'exit']).optional(),
});
type Rule = z.infer<typeof Rule> & { fired: number };

export interface HookWhere {
  epoch?: number;
  shard?: number;
  step?: number;
}

export const TEST_HOOKS_ENV = 'TENSORPOOL_TEST_HOOKS';

function parse(text: string | undefined): Rule[] {
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${TEST_HOOKS_ENV} is not JSON`);
  }
  const r = z.array(Rule).safeParse(json);
  if (!r.success) throw new UsageError(`${TEST_HOOKS_ENV}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data.map((x) => ({ ...x, fired: 0 }));
}

const rules = parse(process.env[TEST_HOOKS_ENV]);
let waiting: Array<() => void> = [];
if (rules.some((r) => r.pause)) {
  process.on('SIGUSR2', () => {
    const w = waiting;
    waiting = [];
    for (const release of w) release();
  });
}

function take(at: HookPoint, where: HookWhere): Rule | undefined {
  const r = rules.find((x) => x.at === at && (x.times === 0 || x.fired < (x.times ?? 1))
    && (x.epoch === undefined || x.epoch === where.epoch)
    && (x.shard === undefined || x.shard === where.shard)
    && (x.step === undefined || at === 'thread-fault' || x.step === where.step));
  if (r) r.fired++;
  return r;
}

function announce(at: HookPoint, where: HookWhere, paused: boolean): void {
  const parts: string[] = [];
  if (where.epoch !== undefined) parts.push(`epoch=${where.epoch}`);
  if (where.shard !== undefined) parts.push(`shard=${where.shard}`);
  if (where.step !== undefined) parts.push(`step=${where.step}`);
  process.stderr.write(`tensorpool-test-hook: ${at} ${parts.map((x) => `${x} `).join('')}pid=${process.pid}${paused ? ' paused' : ''}\n`);
}

/**
 * Announces (and maybe pauses at) a fault point. Returns undefined when no
 * rule matches, so the call costs nothing in production: `await hook(...)`.
 */
export function hook(at: Exclude<HookPoint, 'thread-fault'>, where: HookWhere): Promise<void> | undefined {
  if (rules.length === 0) return undefined;
  const r = take(at, where);
  if (!r) return undefined;
  announce(at, where, Boolean(r.pause));
  if (!r.pause) return undefined;
  // A pause must hold the process open by itself: a signal listener does not
  // keep Node's event loop alive, and a process paused before it opened any
  // connection (serve at `starting`) would otherwise exit with code 13
  // (unsettled top-level await) instead of waiting for SIGUSR2.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise<void>((resolve) => waiting.push(resolve)).finally(() => clearInterval(keepAlive));
}

/** The thread fault to inject into this shard's training, if a rule says so. */
export function threadFault(where: { epoch: number; shard: number }): { step: number; how: 'throw' | 'exit' } | undefined {
  if (rules.length === 0) return undefined;
  const r = take('thread-fault', where);
  if (!r) return undefined;
  announce('thread-fault', where, false);
  return { step: r.step ?? 1, how: r.how ?? 'throw' };
}
