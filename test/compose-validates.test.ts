// docker-compose.yml is valid for Debian's docker-compose and has what the
// deployment needs: Redis with AOF, a scalable worker, a shared dataset volume.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

interface Service { command?: string[]; volumes?: string[]; ports?: string[]; container_name?: string; environment?: Record<string, string>; build?: { dockerfile: string } }

describe('docker-compose.yml', () => {
  it.skipIf(!hasCompose)('passes `docker-compose config -q`', () => {
    const r = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs redis with AOF, the three roles from one image, and a worker that scales', () => {
    const text = hasCompose
      ? execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: root, encoding: 'utf8' })
      : readFileSync(`${root}/docker-compose.yml`, 'utf8');
    const doc = parse(text, { merge: true }) as { services: Record<string, Service> };
    const s = doc.services;
    expect(Object.keys(s).sort()).toEqual(['api', 'coordinator', 'redis', 'worker']);
    expect(JSON.stringify(s.redis.command)).toContain('appendonly');
    expect(s.coordinator.command?.[0]).toBe('coordinator');
    expect(s.api.command?.[0]).toBe('serve');
    expect(s.worker.command?.[0]).toBe('worker');
    // --scale worker=N needs no fixed name and no host port.
    expect(s.worker.container_name).toBeUndefined();
    expect(s.worker.ports).toBeUndefined();
    const mounts = (svc: Service) => (svc.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : (v as { target: string }).target));
    expect(mounts(s.worker)).toContain('/datasets');
    expect(mounts(s.coordinator)).toContain('/datasets');
    for (const name of ['coordinator', 'api', 'worker']) expect(s[name].environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it('builds from infra/Dockerfile: node:20-slim, pnpm 12.4.2, non-root', () => {
    const df = readFileSync(`${root}/infra/Dockerfile`, 'utf8');
    expect(df).toMatch(/^FROM node:20-slim/m);
    expect(df).toContain('pnpm@12.4.2');
    expect(df).toMatch(/^USER node$/m);
    expect(df).toMatch(/ENTRYPOINT \["node", "packages\/cli\/dist\/main.js"\]/);
  });
});
