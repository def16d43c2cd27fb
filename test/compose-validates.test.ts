// docker-compose.yml is valid for Docker Compose and has what the deployment
// needs: Redis with AOF, the three roles from one image with health checks, a
// worker that scales, datasets confined to a read-only volume, and no API
// without a token. Without a compose binary the file is interpolated and
// parsed as Compose does (test/support/compose-file.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interpolate, mountTarget, parseCompose, type ComposeService } from './support/compose-file.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const text = readFileSync(`${root}/docker-compose.yml`, 'utf8');
const env = { PATH: process.env.PATH, TENSORPOOL_API_TOKEN: 'test-token' };

function compose(args: string[], e: Record<string, string | undefined>) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: root, encoding: 'utf8', env: e });
}

function services(): Record<string, ComposeService> {
  if (!hasCompose) return parseCompose(text, env).services;
  const r = compose(['config'], env);
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
    for (const name of ['coordinator', 'worker']) {
      expect((s[name].volumes ?? []).map(mountTarget), name).toContain('/datasets');
      expect(s[name].environment?.TENSORPOOL_DATA_ROOT, name).toBe('/datasets');
    }
    expect((s.coordinator.volumes ?? []).map(mountTarget)).toContain('/models');
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
