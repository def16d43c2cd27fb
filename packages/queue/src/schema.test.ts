import { describe, expect, it } from 'vitest';
import { parseJobPayload } from './schema.js';

const ok = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 2, shards: 2 };

function message(payload: unknown): string {
  try {
    parseJobPayload(payload);
  } catch (e) {
    expect((e as { code: string }).code).toBe('E_JOB');
    return (e as Error).message;
  }
  throw new Error('payload was accepted');
}

describe('job payload schema', () => {
  it('accepts a minimal job, applies defaults and resolves the preset', () => {
    const j = parseJobPayload(ok);
    expect(j.optimizer).toBe('per-shard');
    expect(j.batchSize).toBe(32);
    expect(j.spec.inputShape).toEqual([28, 28, 1]);
  });

  it('names missing fields', () => {
    expect(message({ preset: 'fashion-mnist', epochs: 1 })).toMatch(/data: is required/);
    expect(message({ preset: 'fashion-mnist', data: 'x' })).toMatch(/epochs: is required/);
    expect(message({ data: 'x', epochs: 1 })).toMatch(/preset: is required/);
  });

  it('names wrong types', () => {
    expect(message({ ...ok, epochs: 'two' })).toMatch(/epochs: must be a number, got string/);
    expect(message({ ...ok, shards: 1.5 })).toMatch(/shards: must be an integer/);
    expect(message('hello')).toMatch(/must be a JSON object, got string/);
  });

  it('refuses negative epochs, unknown presets, unknown fields and bad policies', () => {
    expect(message({ ...ok, epochs: -2 })).toMatch(/epochs: must be >= 1/);
    expect(message({ ...ok, preset: 'resnet9000' })).toMatch(/preset: unknown preset 'resnet9000'/);
    expect(message({ ...ok, epoch: 3 })).toMatch(/unknown field 'epoch'/);
    expect(message({ ...ok, optimizer: 'sgd' })).toMatch(/optimizer:/);
  });

  it('validates an inline spec and names its problem', () => {
    expect(message({ data: 'x', epochs: 1, spec: { name: 'x' } })).toMatch(/^invalid job: spec: /);
  });
});
