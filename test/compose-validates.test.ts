// docker-compose.yml is valid for Docker Compose and has what the deployment
// needs: Redis with AOF, noeviction and a maxmemory above the dataset store's
// budget, published on loopback only (a laptop on the host pushes to it), the
// three roles from one image with health checks, a worker that scales, no
// datasets volume (store datasets reach workers through Redis into a writable
// /cache), and no API without a token. The optional
// docker-compose.file-store.yml adds the file:// store and path datasets.
// Without a compose binary the files are interpolated and parsed as Compose
// does (test/support/compose-file.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULTS } from '@tensorpool/core';
import { parseBytes } from '@tensorpool/datasets';
import { interpolate, mountTarget, parseCompose, type ComposeService } from './support/compose-file.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const text = readFileSync(`${root}/docker-compose.yml`, 'utf8');
const env = { PATH: process.env.PATH, TENSORPOOL_API_TOKEN: 'test-token' };

function compose(args: string[], e: Record<string, string | undefined>) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: root, encoding: 'utf8', env: e });
}

/** The services of docker-compose.yml, merged with `override` when given (without a compose binary: the override alone). */
function services(override?: string): Record<string, ComposeService> {
  if (!hasCompose) return parseCompose(override ? readFileSync(`${root}/${override}`, 'utf8') : text, env).services;
  const r = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...(override ? ['-f', override] : []), 'config'], { cwd: root, encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  return (parse(r.stdout) as { services: Record<string, ComposeService> }).services;
}

describe('docker-compose.yml', () => {
  it.skipIf(!hasCompose)('passes `docker-compose config -q`', () => {
    const r = compose(['config', '-q'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses to start without TENSORPOOL_API_TOKEN instead of serving an open API', () => {
    const noToken = { PATH: process.env.PATH };
    if (hasCompose) {
      const r = compose(['config', '-q'], noToken);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('TENSORPOOL_API_TOKEN');
    }
    expect(() => interpolate(text, noToken)).toThrow(/TENSORPOOL_API_TOKEN/);
    expect(() => interpolate(text, { ...noToken, TENSORPOOL_API_TOKEN: '' })).toThrow(/TENSORPOOL_API_TOKEN/);
  });

  it('runs redis with AOF, the three roles from one image, and a worker that scales', () => {
    const s = services();
    expect(Object.keys(s).sort()).toEqual(['api', 'coordinator', 'redis', 'worker']);
    expect(JSON.stringify(s.redis.command)).toContain('appendonly');
    expect(s.coordinator.command?.[0]).toBe('coordinator');
    expect(s.api.command?.[0]).toBe('serve');
    expect(s.worker.command?.[0]).toBe('worker');
    expect(s.api.environment?.TENSORPOOL_API_TOKEN).toBe('test-token');
    // --scale worker=N needs no fixed name and no host port.
    expect(s.worker.container_name).toBeUndefined();
    expect(s.worker.ports).toBeUndefined();
    for (const name of ['coordinator', 'api', 'worker']) {
      const svc = s[name];
      expect(svc.image, name).toBe(s.worker.image);
      expect(svc.environment?.REDIS_URL, name).toBe('redis://redis:6379');
      expect(svc.read_only, name).toBe(true);
      expect(JSON.stringify(svc.healthcheck?.test), name).toContain(`"health","--role","${name}"`);
    }
    expect((s.coordinator.volumes ?? []).map(mountTarget)).toContain('/models');
  });

  it('needs no datasets volume: store datasets are fetched into a writable /cache per container', () => {
    const s = services();
    for (const name of ['coordinator', 'api', 'worker']) {
      expect((s[name].volumes ?? []).map(mountTarget), name).not.toContain('/datasets');
      expect(s[name].environment?.TENSORPOOL_DATASET_STORE, name).toBeUndefined(); // Redis, the default store
    }
    for (const name of ['coordinator', 'worker']) {
      expect(s[name].environment?.TENSORPOOL_CACHE_DIR, name).toBe('/cache');
      // Anonymous (no source): each replica has its own, not a host directory; writable.
      const cache = (s[name].volumes ?? []).find((v) => mountTarget(v) === '/cache' || v === '/cache');
      expect(cache, name).toBeDefined();
      expect(JSON.stringify(cache), name).not.toMatch(/:ro\b|"read_only":true/);
    }
  });

  it('runs redis with noeviction and a maxmemory at least the dataset and model store budgets', () => {
    const s = services();
    const cmd = s.redis.command!.map(String);
    expect(cmd[cmd.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    const maxmemory = redisBytes(cmd[cmd.indexOf('--maxmemory') + 1]);
    const budget = parseBytes(s.worker.environment!.TENSORPOOL_DATASET_STORE_BYTES, 'budget');
    expect(budget).toBe(DEFAULTS.datasetStoreBytes);
    const models = parseBytes(s.worker.environment!.TENSORPOOL_MODEL_STORE_BYTES, 'model budget');
    expect(models).toBe(DEFAULTS.modelStoreBytes);
    expect(maxmemory).toBeGreaterThanOrEqual(budget + models);
    for (const name of ['coordinator', 'api']) {
      expect(s[name].environment?.TENSORPOOL_DATASET_STORE_BYTES, name).toBe(s.worker.environment!.TENSORPOOL_DATASET_STORE_BYTES);
      expect(s[name].environment?.TENSORPOOL_MODEL_STORE_BYTES, name).toBe(s.worker.environment!.TENSORPOOL_MODEL_STORE_BYTES);
    }
  });

  it('publishes redis (no password) on the loopback interface only, and nothing else but the API', () => {
    const s = services();
    const ports = (s.redis.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}:${p.target}`));
    expect(ports).toEqual(['127.0.0.1:6379:6379' + (ports[0]?.endsWith('/tcp') ? '/tcp' : '')]);
    expect(s.coordinator.ports).toBeUndefined();
  });

  it('docker-compose.file-store.yml (optional) adds the file:// store and read-only path datasets to every role', () => {
    const s = services('docker-compose.file-store.yml');
    for (const name of ['coordinator', 'api', 'worker']) {
      expect(s[name].environment?.TENSORPOOL_DATASET_STORE, name).toBe('file:///store');
      expect(s[name].environment?.TENSORPOOL_DATA_ROOT, name).toBe('/datasets');
      const targets = (s[name].volumes ?? []).map(mountTarget);
      expect(targets, name).toEqual(expect.arrayContaining(['/store', '/datasets']));
      expect(JSON.stringify((s[name].volumes ?? []).find((v) => mountTarget(v) === '/datasets')), name).toMatch(/:ro\b|"read_only":true/);
    }
  });

  it('builds from infra/Dockerfile: node:20-slim, pnpm 12.4.2, production deps only, non-root, health check', () => {
    const df = readFileSync(`${root}/infra/Dockerfile`, 'utf8');
    expect(df).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(df.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
    expect(df).toContain('pnpm@12.4.2');
    expect(df).toMatch(/pnpm deploy --filter @tensorpool\/cli --prod/);
    expect(df).toMatch(/^USER node$/m);
    expect(df).toMatch(/^HEALTHCHECK .*"health"\]$/m);
    expect(df).toMatch(/ENTRYPOINT \["node", "\/app\/dist\/main.js"\]/);
    expect(df).not.toMatch(/NODE_EXTRA_CA_CERTS|ca-certificates/);
  });
});

/** Redis's size units: k/m/g are powers of 1000, kb/mb/gb powers of 1024. */
function redisBytes(text: string): number {
  const m = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(text);
  if (!m) throw new Error(`not a Redis size: ${text}`);
  const unit = (m[2] ?? '').toLowerCase();
  const base = unit.endsWith('b') ? 1024 : 1000;
  return Number(m[1]) * base ** ' kmg'.indexOf(unit[0] ?? ' ');
}
