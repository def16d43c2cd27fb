// A role's stop bounds (bounded-stop.ts) come from the flags, else the
// role's environment variables, else DEFAULTS.stop[role]; anything out of
// range is a UsageError naming the variable (a typo must not unbound the stop).
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { stopBounds } from './bounded-stop.js';

describe('stop bounds', () => {
  it('take the flag, else the environment, else the defaults', () => {
    expect(stopBounds('worker', {}, {})).toEqual(DEFAULTS.stop.worker);
    expect(stopBounds('worker', {}, { TENSORPOOL_WORKER_STOP_GRACE_MS: '0', TENSORPOOL_WORKER_CLOSE_MS: '2500' })).toEqual({ graceMs: 0, closeMs: 2500 });
    expect(stopBounds('worker', { closeMs: 300 }, { TENSORPOOL_WORKER_CLOSE_MS: '2500' })).toEqual({ graceMs: DEFAULTS.stop.worker.graceMs, closeMs: 300 });
  });

  it('read each role its own variables', () => {
    const env = { TENSORPOOL_WORKER_CLOSE_MS: '111', TENSORPOOL_COORDINATOR_CLOSE_MS: '222', TENSORPOOL_API_STOP_GRACE_MS: '0' };
    expect(stopBounds('coordinator', {}, env)).toEqual({ graceMs: DEFAULTS.stop.coordinator.graceMs, closeMs: 222 });
    expect(stopBounds('api', {}, env)).toEqual({ graceMs: 0, closeMs: DEFAULTS.stop.api.closeMs });
  });

  it('refuse values that are no bound, naming the variable', () => {
    expect(() => stopBounds('worker', {}, { TENSORPOOL_WORKER_CLOSE_MS: 'soon' })).toThrow(/^closeMs \(TENSORPOOL_WORKER_CLOSE_MS\) must be an integer of ms in \[100, 86400000\], got 'soon'$/);
    expect(() => stopBounds('worker', {}, { TENSORPOOL_WORKER_CLOSE_MS: '0' })).toThrow(/TENSORPOOL_WORKER_CLOSE_MS/);
    expect(() => stopBounds('worker', {}, { TENSORPOOL_WORKER_STOP_GRACE_MS: 'Infinity' })).toThrow(/^graceMs \(TENSORPOOL_WORKER_STOP_GRACE_MS\)/);
    expect(() => stopBounds('coordinator', {}, { TENSORPOOL_COORDINATOR_STOP_GRACE_MS: '-5' })).toThrow(/^graceMs \(TENSORPOOL_COORDINATOR_STOP_GRACE_MS\)/);
    expect(() => stopBounds('api', { graceMs: -1 }, {})).toThrow(/^graceMs \(TENSORPOOL_API_STOP_GRACE_MS\).*got '-1'/);
  });
});
