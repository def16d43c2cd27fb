// The worker's stop bounds (worker-stop.ts) come from the flags, else the
// environment, else DEFAULTS.workerStop; anything out of range is a
// UsageError naming the variable (a typo must not unbound the stop).
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { stopBounds } from './worker-stop.js';

describe('worker stop bounds', () => {
  it('take the flag, else the environment, else the defaults', () => {
    expect(stopBounds({}, {})).toEqual(DEFAULTS.workerStop);
    expect(stopBounds({}, { TENSORPOOL_WORKER_STOP_GRACE_MS: '0', TENSORPOOL_WORKER_CLOSE_MS: '2500' })).toEqual({ graceMs: 0, closeMs: 2500 });
    expect(stopBounds({ closeMs: 300 }, { TENSORPOOL_WORKER_CLOSE_MS: '2500' })).toEqual({ graceMs: DEFAULTS.workerStop.graceMs, closeMs: 300 });
  });

  it('refuse values that are no bound, naming the variable', () => {
    expect(() => stopBounds({}, { TENSORPOOL_WORKER_CLOSE_MS: 'soon' })).toThrow(/^closeMs \(TENSORPOOL_WORKER_CLOSE_MS\) must be an integer of ms in \[100, 86400000\], got 'soon'$/);
    expect(() => stopBounds({}, { TENSORPOOL_WORKER_CLOSE_MS: '0' })).toThrow(/TENSORPOOL_WORKER_CLOSE_MS/);
    expect(() => stopBounds({}, { TENSORPOOL_WORKER_STOP_GRACE_MS: 'Infinity' })).toThrow(/^graceMs \(TENSORPOOL_WORKER_STOP_GRACE_MS\)/);
    expect(() => stopBounds({ graceMs: -1 }, {})).toThrow(/got '-1'/);
  });
});
