/**
 * The runs list without re-reading every run on each request: per run, the
 * summary folded so far and the cursor after its last event; a request reads
 * only the events after that cursor (a byte offset into events.jsonl, a
 * stream id in Redis) and folds them in. Bounded: at most `max` runs are
 * kept, the least recently listed dropped first (re-read from the start if
 * they come back). A source says when a cursor no longer fits its run (a
 * file rewritten shorter): `read` returns null, and the run is folded again
 * from the start.
 */
import type { CursorEvent } from './source.js';
import { emptySummary, foldEvent, type RunSummary } from './run-summary.js';

/** Events after `cursor`, or null when the run was replaced (start again from '0'). */
export type ReadAfter = (cursor: string) => Promise<CursorEvent[] | null>;

interface Entry {
  cursor: string;
  summary: RunSummary;
}

/** Events a source hands back per read at most (Redis: XRANGE COUNT); fewer means caught up. */
const PAGE = 1000;

export class SummaryCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = 1000) {}

  /** The run's summary with every event so far folded in (a copy: callers may change it). */
  async summary(id: string, mode: RunSummary['mode'], read: ReadAfter): Promise<RunSummary> {
    let entry = this.entries.get(id);
    this.entries.delete(id); // re-inserted last: Map order is the LRU order
    if (!entry || entry.summary.mode !== mode) entry = { cursor: '0', summary: emptySummary(id, mode) };
    for (let pages = 0; pages < 1000; pages++) {
      const events = await read(entry.cursor);
      if (events === null) {
        entry = { cursor: '0', summary: emptySummary(id, mode) };
        continue;
      }
      for (const e of events) foldEvent(entry.summary, e.event);
      if (events.length) entry.cursor = events[events.length - 1].cursor;
      if (events.length < PAGE) break;
    }
    this.entries.set(id, entry);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return { ...entry.summary };
  }

  /** Runs no longer listed are dropped. */
  retain(ids: Iterable<string>): void {
    const keep = new Set(ids);
    for (const id of [...this.entries.keys()]) if (!keep.has(id)) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
