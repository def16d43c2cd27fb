/**
 * Local runs for `tensorpool dashboard --logdir DIR`: every directory under
 * DIR (up to MAX_DEPTH deep, symlinks not followed) holding an events.jsonl,
 * like `tensorboard --logdir`. A run's id is its path relative to DIR with
 * '/' as '~' and other characters outside [A-Za-z0-9._-] as '_'; ids are
 * looked up in a fresh scan, never joined into a path, so no id reaches a
 * file outside DIR. The list reads each file incrementally (summary-cache.ts)
 * and one directory walk serves all requests for SCAN_MS. Files are read from a byte offset (the cursor) up to the
 * last complete line; invalid lines are skipped. Files still being written
 * are followed by polling their size (DEFAULTS.events.followPollMs).
 */
import { open, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { DEFAULTS, parseRunEventLine } from '@tensorpool/core';
import type { CursorEvent, RunSource } from './source.js';
import type { RunSummary } from './run-summary.js';
import { walkDirs } from './walk-dirs.js';
import { SummaryCache } from './summary-cache.js';

const EVENTS_FILE = 'events.jsonl';
const MAX_DEPTH = 4;
const MAX_RUNS = 1000;
/** How long one directory walk answers for (the list polls every 2 s; a new run shows within this). */
const SCAN_MS = 1000;

export class LogdirSource implements RunSource {
  readonly kind = 'logdir';

  constructor(readonly root: string, private readonly pollMs: number = DEFAULTS.events.followPollMs, private readonly maxBytes: number = DEFAULTS.events.fileBytes) {}

  private readonly summaries = new SummaryCache(MAX_RUNS);
  private lastScan: { at: number; runs: Promise<Map<string, string>> } | undefined;

  /** id -> events.jsonl path, from a scan of the root at most SCAN_MS ago (every request of a page shares one walk). */
  private scan(): Promise<Map<string, string>> {
    const now = Date.now();
    if (!this.lastScan || now - this.lastScan.at > SCAN_MS) this.lastScan = { at: now, runs: this.walk() };
    return this.lastScan.runs;
  }

  private async walk(): Promise<Map<string, string>> {
    const runs = new Map<string, string>();
    await walkDirs(this.root, MAX_DEPTH, () => runs.size >= MAX_RUNS, (dir, entries) => {
      if (entries.some((e) => e.isFile() && e.name === EVENTS_FILE)) {
        const rel = relative(this.root, dir) || '.';
        let id = rel.split(sep).map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_')).join('~');
        while (runs.has(id)) id += '_';
        runs.set(id, join(dir, EVENTS_FILE));
      }
    });
    return runs;
  }

  /** Every run's summary; only the bytes appended since the last call are read (summary-cache.ts). */
  async list(): Promise<RunSummary[]> {
    const runs = await this.scan();
    const out: RunSummary[] = [];
    for (const [id, file] of runs) {
      out.push(await this.summaries.summary(id, 'local', async (cursor) => {
        const from = parseCursor(cursor);
        const size = await stat(file).then((st) => st.size, () => 0);
        return size < from ? null : (await this.readFile(file, from)).events;
      }));
    }
    this.summaries.retain(runs.keys());
    return out.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  }

  /** The directory of a run (its events.jsonl's, where `train --out` saves the model), or null. */
  async runDir(id: string): Promise<{ dir: string; root: string } | null> {
    const file = (await this.scan()).get(id);
    return file ? { dir: dirname(file), root: this.root } : null;
  }

  async has(id: string): Promise<boolean> {
    return (await this.scan()).has(id);
  }

  async read(id: string, cursor: string): Promise<CursorEvent[]> {
    const file = (await this.scan()).get(id);
    if (!file) return [];
    return (await this.readFile(file, parseCursor(cursor))).events;
  }

  async wait(id: string, cursor: string, signal: AbortSignal): Promise<{ events: CursorEvent[]; ended: boolean }> {
    const file = (await this.scan()).get(id);
    if (!file) return { events: [], ended: true };
    const from = parseCursor(cursor);
    // Up to ~10 s of polling, then the caller loops (and notices a closed client).
    for (let i = 0; i < Math.max(1, Math.ceil(10_000 / this.pollMs)) && !signal.aborted; i++) {
      const size = await stat(file).then((s) => s.size, () => 0);
      if (size > from) {
        const r = await this.readFile(file, from);
        if (r.events.length) return { events: r.events, ended: false };
      }
      await new Promise((res) => setTimeout(res, this.pollMs));
    }
    return { events: [], ended: false };
  }

  /** Whole lines from byte `from` on (at most maxBytes into the file); each event's cursor is the offset after its line. */
  private async readFile(file: string, from: number): Promise<{ events: CursorEvent[] }> {
    const events: CursorEvent[] = [];
    let fh;
    try {
      fh = await open(file, 'r');
    } catch {
      return { events };
    }
    try {
      const size = Math.min((await fh.stat()).size, this.maxBytes);
      if (size <= from) return { events };
      const buf = Buffer.alloc(size - from);
      await fh.read(buf, 0, buf.length, from);
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0) break; // a partial last line: read again later
        const line = buf.subarray(pos, nl).toString('utf8');
        pos = nl + 1;
        try {
          const event = parseRunEventLine(line);
          events.push({ cursor: String(from + pos), event });
        } catch {
          // an invalid line: skipped
        }
      }
      return { events };
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {}
}

function parseCursor(c: string): number {
  return /^\d{1,15}$/.test(c) ? Number(c) : 0;
}
