// The Kubernetes manifests parse, build with kustomize (offline: `kubectl
// apply --dry-run=client` needs an API server for discovery), and hang
// together: selectors match labels, Services and the KEDA ScaledObject point
// at workloads that exist.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const dir = fileURLToPath(new URL('../infra/k8s/', import.meta.url));
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

interface Obj { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, any> }

function load(): Obj[] {
  const out: Obj[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const d of parseAllDocuments(readFileSync(dir + f, 'utf8'))) {
      expect(d.errors, f).toEqual([]);
      const o = d.toJS() as Obj | null;
      if (o) out.push(o);
    }
  }
  return out;
}

describe('infra/k8s', () => {
  it('every object has apiVersion, kind, name and the tensorpool namespace', () => {
    const objs = load();
    for (const o of objs) {
      expect(o.apiVersion, JSON.stringify(o.metadata)).toMatch(/^[a-z0-9.]*\/?v\d/);
      expect(o.kind).toMatch(/^[A-Z]/);
      expect(o.metadata.name).toMatch(/^[a-z0-9-]+$/);
      if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('tensorpool');
    }
    const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const k of ['StatefulSet/redis', 'Deployment/coordinator', 'Deployment/api', 'Deployment/worker', 'ScaledObject/worker', 'Service/redis', 'Service/api']) expect(kinds).toContain(k);
  });

  it('selectors match pod labels; Services and the ScaledObject point at existing workloads', () => {
    const objs = load();
    const workloads = objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    for (const w of workloads) {
      expect(w.spec!.template.metadata.labels).toMatchObject(w.spec!.selector.matchLabels);
      for (const c of w.spec!.template.spec.containers) expect(c.image).toBeTruthy();
    }
    for (const s of objs.filter((o) => o.kind === 'Service')) {
      expect(workloads.some((w) => Object.entries(s.spec!.selector).every(([k, v]) => w.spec!.template.metadata.labels[k] === v)), s.metadata.name).toBe(true);
    }
    const so = objs.find((o) => o.kind === 'ScaledObject')!;
    expect(workloads.map((w) => w.metadata.name)).toContain(so.spec!.scaleTargetRef.name);
    // Queue depth = BullMQ's wait list of the shard queue under the configured prefix.
    expect(so.spec!.triggers[0].metadata.listName).toBe('tensorpool:bull:shards:wait');
    const worker = workloads.find((w) => w.metadata.name === 'worker')!;
    expect(worker.spec!.template.spec.containers[0].args[0]).toBe('worker');
    expect(worker.spec!.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it.skipIf(!hasKubectl)('builds with `kubectl kustomize`', () => {
    const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as Obj).kind);
    expect(kinds).toContain('ScaledObject');
  });
});
