// The Kubernetes manifests parse, match the API schemas (kubernetes-models'
// JSON schemas for the built-in kinds and KEDA's ScaledObject), build with
// kustomize, and hang together: selectors match labels, Services and the KEDA
// ScaledObject point at workloads that exist, the ScaledObject watches the
// shard queue's real Redis keys, probes run the image's health checks, pods
// are non-root with read-only root filesystems, and no API token ships in
// them. (`kubectl apply --dry-run=client` needs an API server for discovery,
// so offline the schema check is kubernetes-models' and the build kustomize's.)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { QueueKeys } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { parseBytes } from '@tensorpool/datasets';
import { createKeys } from '@tensorpool/queue';
import { parseCompose } from './support/compose-file.js';

const dir = fileURLToPath(new URL('../infra/k8s/', import.meta.url));
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

interface Obj { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, any>; data?: Record<string, string> }

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

const MODELS: Record<string, new (o: any) => { validate(): void }> = {
  'v1/Namespace': Namespace, 'v1/ConfigMap': ConfigMap, 'v1/PersistentVolumeClaim': PersistentVolumeClaim, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'apps/v1/StatefulSet': StatefulSet, 'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

const workload = (objs: Obj[], name: string) => objs.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === name)!;
const container = (objs: Obj[], name: string) => workload(objs, name).spec!.template.spec.containers[0];

describe('infra/k8s', () => {
  it('every object has apiVersion, kind, name and the tensorpool namespace, and matches its API schema', () => {
    const objs = load();
    for (const o of objs) {
      expect(o.apiVersion, JSON.stringify(o.metadata)).toMatch(/^[a-z0-9.]*\/?v\d/);
      expect(o.kind).toMatch(/^[A-Z]/);
      expect(o.metadata.name).toMatch(/^[a-z0-9-]+$/);
      if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('tensorpool');
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion}/${o.kind} has a schema here`).toBeDefined();
      expect(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
    const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const k of ['StatefulSet/redis', 'Deployment/coordinator', 'Deployment/api', 'Deployment/worker', 'ScaledObject/worker', 'Service/redis', 'Service/api']) expect(kinds).toContain(k);
  });

  it('the schema check catches a wrong type', () => {
    const d = structuredClone(workload(load(), 'worker'));
    d.spec!.template.spec.terminationGracePeriodSeconds = 'ten minutes';
    expect(() => new Deployment(d as never).validate()).toThrow(/terminationGracePeriodSeconds/);
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
    expect(container(objs, 'worker').args[0]).toBe('worker');
  });

  it("the ScaledObject watches BullMQ's wait and active lists of the shard queue under the configured prefix", () => {
    const objs = load();
    const prefix = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'tensorpool-config')!.data!.TENSORPOOL_PREFIX;
    const keys = createKeys(prefix);
    const bull = new QueueKeys(keys.bullPrefix).getKeys(keys.shardQueue);
    const so = objs.find((o) => o.kind === 'ScaledObject')!;
    const lists = so.spec!.triggers.map((t: { type: string; metadata: { listName: string } }) => (expect(t.type).toBe('redis'), t.metadata.listName));
    expect(lists.sort()).toEqual([bull.active, bull.wait].sort());
  });

  it('tensorpool pods: non-root, read-only root, probes running the image health check of their role (as compose)', () => {
    const objs = load();
    const compose = parseCompose(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { TENSORPOOL_API_TOKEN: 'x' }).services;
    for (const name of ['coordinator', 'api', 'worker']) {
      const pod = workload(objs, name).spec!.template.spec;
      const c = pod.containers[0];
      expect(pod.securityContext.runAsNonRoot, name).toBe(true);
      expect(c.securityContext.readOnlyRootFilesystem, name).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation, name).toBe(false);
      expect(c.resources.requests.memory, name).toBeTruthy();
      expect(c.resources.limits.memory, name).toBeTruthy();
      expect(c.args[0]).toBe(compose[name].command?.[0]);
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        if (name === 'api') expect(probe.httpGet.path).toBe('/healthz');
        else expect(probe.exec.command).toEqual((compose[name].healthcheck!.test as string[]).slice(1));
      }
      const env = c.envFrom.map((e: { configMapRef?: { name: string } }) => e.configMapRef?.name);
      expect(env, name).toContain('tensorpool-config');
    }
    // Datasets are confined: the data root is where the volume is mounted.
    const cfg = objs.find((o) => o.kind === 'ConfigMap')!.data!;
    for (const name of ['coordinator', 'worker']) {
      expect(container(objs, name).volumeMounts.find((m: { name: string }) => m.name === 'datasets')).toMatchObject({ mountPath: cfg.TENSORPOOL_DATA_ROOT, readOnly: true });
      // The dataset cache (TENSORPOOL_CACHE_DIR=/cache in the image) is writable: the root filesystem is not.
      const cache = container(objs, name).volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/cache');
      expect(cache?.readOnly, name).toBeFalsy();
      expect(cache, name).toBeDefined();
    }
    // Redis: noeviction, and room for the dataset and model stores' budgets below its memory limit.
    const redisArgs = container(objs, 'redis').args as string[];
    expect(redisArgs[redisArgs.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    const maxmemory = Number(/^(\d+)mb$/.exec(redisArgs[redisArgs.indexOf('--maxmemory') + 1])![1]) * 1024 ** 2;
    expect(maxmemory).toBeGreaterThanOrEqual(parseBytes(cfg.TENSORPOOL_DATASET_STORE_BYTES, 'budget') + parseBytes(cfg.TENSORPOOL_MODEL_STORE_BYTES, 'model budget'));
    expect(maxmemory).toBeLessThan(parseBytes(container(objs, 'redis').resources.limits.memory.replace(/i$/, 'iB'), 'limit'));
    // A worker given SIGTERM has time to finish its shard, as long under compose as here.
    const grace = workload(objs, 'worker').spec!.template.spec.terminationGracePeriodSeconds as number;
    expect(grace).toBeGreaterThanOrEqual(60);
    expect(compose.worker.stop_grace_period).toBe(`${grace / 60}m`);
  });

  it('ships no API token: the api reads it from a Secret the operator creates, and does not start without it', () => {
    const objs = load();
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(objs)).not.toMatch(/change-me/);
    const token = container(objs, 'api').env.find((e: { name: string }) => e.name === 'TENSORPOOL_API_TOKEN');
    expect(token.valueFrom.secretKeyRef.name).toBe('tensorpool-api-token');
    expect(token.valueFrom.secretKeyRef.optional).not.toBe(true);
  });

  it.skipIf(!hasKubectl)('builds with `kubectl kustomize`', () => {
    const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const built = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(built.map((o) => o.kind)).toContain('ScaledObject');
    expect(built.length).toBe(load().length);
  });
});
