/**
 * Distributed jobs for `tensorpool serve`: the job list from the queue
 * client, each job's events from its Redis stream (validated on read, see
 * packages/queue/src/run-events.ts). The job record's state wins over the
 * events' (a job can fail before its first event). Following a job blocks on
 * XREAD on a connection of its own per open event stream (closed with it), for at most
 * BLOCK_MS at a time, then checks the record, so a job that ended without a
 * terminal event still ends the stream.
 */
import type { Redis } from 'ioredis';
import { isJobId, readRunEvents, TERMINAL_STATES, waitRunEvents, type QueueClient, type ShardStepProgress } from '@tensorpool/queue';
import type { CursorEvent, RunSource, WorkersView } from './source.js';
import { emptySummary, type RunState, type RunSummary } from './run-summary.js';
import { SummaryCache } from './summary-cache.js';

const LIST_LIMIT = 100;

/** The running epoch as steps over all shards: a shard not started yet counts 0 of as many steps as the longest. */
function epochSteps(ps: ShardStepProgress[], shards: number): { step: number; steps: number } {
  const most = Math.max(...ps.map((p) => p.steps));
  return { step: ps.reduce((a, p) => a + p.step, 0), steps: most * shards };
}
const BLOCK_MS = 5_000;

export class RedisSource implements RunSource {
  readonly kind = 'redis';

  private readonly summaries = new SummaryCache(LIST_LIMIT * 4);

  /** `modelsDir`: where the API lets a finished job's model be downloaded from (the coordinators' --models-dir). */
  constructor(private readonly client: QueueClient, readonly modelsDir?: string) {}

  /** The newest jobs; each job's stream is read from where the last list left off (summary-cache.ts). */
  async list(): Promise<RunSummary[]> {
    const jobs = await this.client.list(LIST_LIMIT);
    this.summaries.retain(jobs.map((j) => j.id));
    return Promise.all(jobs.map(async (j) => {
      if (j.state === 'corrupt') return { ...emptySummary(j.id, 'distributed'), state: 'failed' as RunState, error: j.error ?? null };
      const s = await this.summaries.summary(j.id, 'distributed', (cursor) => this.read(j.id, cursor));
      if (s.startedAt === null) s.name = j.name ?? j.preset ?? j.id;
      s.state = j.state as RunState;
      s.epochs ||= j.epochs;
      s.epoch = Math.max(s.epoch, j.epoch);
      // The shards' step counts (validated on read) are finer and fresher than the step events (every stepEvery steps of one shard).
      if (j.state === 'running' && j.shardProgress.length) Object.assign(s, epochSteps(j.shardProgress, j.shards));
      if (j.error) s.error = j.error;
      if (TERMINAL_STATES.includes(j.state)) s.etaSeconds = null;
      return s;
    }));
  }

  /** Where a job's model was saved (its record's `out`), if it has one. */
  async runDir(id: string): Promise<{ dir: string; root: string } | null> {
    if (!this.modelsDir || !(await this.has(id))) return null;
    const st = await this.client.status(id).catch(() => undefined);
    return st?.out ? { dir: st.out, root: this.modelsDir } : null;
  }

  async cancel(id: string): Promise<{ cancelled: boolean; state: string }> {
    return this.client.cancel(id);
  }

  async has(id: string): Promise<boolean> {
    if (!isJobId(id)) return false;
    return (await this.client.redis.exists(this.client.keys.job(id))) === 1;
  }

  async read(id: string, cursor: string): Promise<CursorEvent[]> {
    const { events } = await readRunEvents(this.client.redis, this.client.keys, id, checkCursor(cursor));
    return events.map((e) => ({ cursor: e.id, event: e.event }));
  }

  /** One blocking connection per open event stream (keyed by its signal), closed when the stream closes. */
  private readonly conns = new WeakMap<AbortSignal, Redis>();

  private connFor(signal: AbortSignal): Redis {
    let conn = this.conns.get(signal);
    if (!conn) {
      const c = this.client.redis.duplicate();
      signal.addEventListener('abort', () => c.disconnect(), { once: true });
      this.conns.set(signal, (conn = c));
    }
    return conn;
  }

  async wait(id: string, cursor: string, signal: AbortSignal): Promise<{ events: CursorEvent[]; ended: boolean }> {
    if (signal.aborted) return { events: [], ended: true };
    try {
      const { events } = await waitRunEvents(this.connFor(signal), this.client.keys, id, checkCursor(cursor), BLOCK_MS);
      if (events.length) return { events: events.map((e) => ({ cursor: e.id, event: e.event })), ended: false };
      const st = await this.client.status(id).catch(() => undefined);
      return { events: [], ended: !st || TERMINAL_STATES.includes(st.state) };
    } catch (e) {
      if (signal.aborted) return { events: [], ended: true };
      throw e;
    }
  }

  async workers(): Promise<WorkersView> {
    const s = await this.client.stats();
    const { workers, ...queues } = s;
    return { workers: workers.map((w) => ({ ...w })), queues };
  }

  async close(): Promise<void> {}
}

/** Stream ids only ('0' or ms-seq); anything else starts from the beginning. */
function checkCursor(c: string): string {
  return /^\d{1,15}(-\d{1,15})?$/.test(c) ? c : '0';
}
