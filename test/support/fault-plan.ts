/**
 * A seeded plan of faults for one distributed job: which process dies how, at
 * which test-hook point (packages/queue/src/test-hooks.ts). Every point is
 * reached at least once in any run of the job (each shard is trained and
 * stored, each epoch queued and averaged), so every fault fires.
 *
 *   { kind: 'kill-worker', at: 'shard-step', epoch: 2, shard: 1, step: 7 }
 *   { kind: 'kill-worker-stored', at: 'shard-stored', epoch: 0, shard: 2 }
 *   { kind: 'kill-coordinator', at: 'epoch-averaged', epoch: 0 }
 */
import { Random } from '@tensorpool/core';

/** kill-worker-stored: SIGKILL right after the result is stored, before BullMQ hears of it (the duplicate path). */
export type FaultKind = 'kill-worker' | 'kill-worker-stored' | 'term-worker' | 'kill-coordinator';

export interface Fault {
  kind: FaultKind;
  at: 'shard-step' | 'shard-stored' | 'epoch-averaged' | 'epoch-queued';
  epoch: number;
  shard?: number;
  step?: number;
  fired: boolean;
}

export interface PlanShape {
  epochs: number;
  shards: number;
  /** Training steps per shard. */
  steps: number;
}

/** `kinds` faults (one per entry) at distinct points drawn from Random(seed). */
export function faultPlan(seed: number, shape: PlanShape, kinds: FaultKind[]): Fault[] {
  const r = new Random(seed);
  const shardSlots = r.shuffle(Array.from({ length: shape.epochs * shape.shards }, (_, i) => i));
  const coordSlots = r.shuffle(Array.from({ length: shape.epochs * 2 }, (_, i) => i));
  const plan: Fault[] = [];
  for (const kind of r.shuffle([...kinds])) {
    if (kind === 'kill-coordinator') {
      const slot = coordSlots.pop()!;
      plan.push({ kind, at: slot % 2 ? 'epoch-queued' : 'epoch-averaged', epoch: Math.floor(slot / 2), fired: false });
    } else {
      const slot = shardSlots.pop()!;
      const epoch = Math.floor(slot / shape.shards);
      const shard = slot % shape.shards;
      if (kind === 'kill-worker-stored') plan.push({ kind, at: 'shard-stored', epoch, shard, fired: false });
      else plan.push({ kind, at: 'shard-step', epoch, shard, step: 1 + r.int(shape.steps), fired: false });
    }
  }
  return plan;
}

/** The hook rules that make processes of one role pause at the plan's points. */
export function hookRules(plan: Fault[], role: 'worker' | 'coordinator'): object[] {
  return plan
    .filter((f) => (f.kind === 'kill-coordinator') === (role === 'coordinator'))
    .map(({ at, epoch, shard, step }) => ({ at, epoch, ...(shard !== undefined ? { shard } : {}), ...(step !== undefined ? { step } : {}), pause: true }));
}

/** The planned fault at this announced point, if any. */
export function faultAt(plan: Fault[], h: { at: string; epoch: number; shard?: number; step?: number }): Fault | undefined {
  return plan.find((f) => f.at === h.at && f.epoch === h.epoch && f.shard === h.shard && f.step === h.step);
}
