/**
 * A count of the pieces of work in progress (shards, round steps, HTTP
 * requests) and who waits for it to reach 0: what a bounded stop's grace
 * waits for (bounded-stop.ts).
 */
export class InFlight {
  private n = 0;
  private waiters: Array<() => void> = [];

  get count(): number {
    return this.n;
  }

  enter(): void {
    this.n++;
  }

  leave(): void {
    if (this.n > 0 && --this.n === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Runs `f` counted as in progress until it settles. */
  async run<T>(f: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await f();
    } finally {
      this.leave();
    }
  }

  /** Resolves when nothing is in progress (at once when nothing is). */
  whenIdle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
