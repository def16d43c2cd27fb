import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { DataError, UsageError } from '@tensorpool/core';
import { DatasetCache, formatBytes, ID_RE, type Manifest } from '@tensorpool/datasets';
import { withDatasetStore } from '../dataset-store.js';
import { withQueueClient } from '../queue-client.js';
import { registerPush } from './dataset-push.js';

function line(m: Manifest): string {
  return `${m.id}  ${(m.name ?? '-').padEnd(16)} ${m.shape.join('x').padEnd(11)} ${String(m.train).padStart(7)} train ${String(m.test).padStart(7)} test  ${formatBytes(m.bytes).padStart(10)}  ${m.createdAt}`;
}

/**
 * Test hook (off by default): with TENSORPOOL_TEST_FETCH_HOLD=<file>, a pull
 * holding the fetch lock writes <file>.held and waits until <file> exists.
 */
function holdForTest(): (() => Promise<void>) | undefined {
  const file = process.env.TENSORPOOL_TEST_FETCH_HOLD;
  if (!file) return undefined;
  return async () => {
    writeFileSync(`${file}.held`, String(process.pid));
    while (!existsSync(file)) await sleep(20);
  };
}

/** `tensorpool dataset push|ls|show|rm`: the content-addressed dataset store. */
export function register(program: Command): void {
  const dataset = program.command('dataset').description('datasets in the store workers fetch from (Redis by default)');
  registerPush(dataset);

  dataset.command('ls').description('list the datasets in the store').option('--json', 'print a JSON array of manifests')
    .action(async (o: { json?: boolean }) => {
      await withDatasetStore(async (store) => {
        const all = await store.list();
        const { bytes, budget } = await store.usage();
        if (o.json) return void process.stdout.write(`${JSON.stringify(all.map(({ chunks, ...m }) => ({ ...m, chunks: chunks.length })))}\n`);
        for (const m of all) process.stdout.write(`${line(m)}\n`);
        process.stdout.write(`${all.length} datasets, ${formatBytes(bytes)}${budget !== null ? ` of ${formatBytes(budget)}` : ''} in ${store.description}\n`);
      });
    });

  dataset.command('show').description('show one dataset by id or name').argument('<ref>', 'sha256:<hex> or a name').option('--json', 'print its manifest as JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withDatasetStore(async (store) => {
        const m = await store.getManifest(ref);
        if (!m) throw new DataError(`dataset '${ref}' is not in the store (${store.description})`);
        if (o.json) return void process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
        process.stdout.write(`${m.id}${m.name ? ` (${m.name})` : ''}\n  ${m.train} train + ${m.test} test images of ${m.shape.join('x')}, ${m.classes.length} classes: ${m.classes.join(', ')}\n` +
          `  ${formatBytes(m.bytes)} in ${m.chunks.length} chunks of ${formatBytes(m.chunkSize)}, pushed ${m.createdAt} from ${m.source}\n`);
      });
    });

  dataset.command('pull').description("fetch a dataset into this machine's cache (what workers do on first use)")
    .argument('<ref>', 'sha256:<hex> or a name').option('--json', 'print {"dataset","fetched","chunksFetched","chunksRefetched","path"}')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withDatasetStore(async (store) => {
        const cache = new DatasetCache(store, {
          onWait: (id) => process.stderr.write(`waiting for another process of this machine fetching ${id}\n`),
          onRefetch: (i) => void process.stderr.write(`chunk ${i.chunk} of ${i.dataset} failed its hash check; fetching it again\n`),
          beforeFetch: holdForTest(),
        });
        const r = await cache.open(ref);
        const path = cache.pathOf(r.manifest.id);
        const out = { dataset: r.manifest.id, fetched: r.fetched, chunksFetched: r.chunksFetched, chunksRefetched: r.chunksRefetched, path };
        process.stdout.write(o.json ? `${JSON.stringify(out)}\n` : `${r.fetched ? 'fetched' : 'already cached'}: ${r.manifest.id} at ${path}\n`);
      });
    });

  dataset.command('rm').description('remove a dataset (its chunks, manifest and names)').argument('<ref>', 'sha256:<hex> or a name').option('--json', 'print {"dataset","removed"}')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withDatasetStore(async (store) => {
        const id = ID_RE.test(ref) ? ref : (await store.getManifest(ref))?.id;
        if (!id) throw new UsageError(`dataset '${ref}' is not in the store (${store.description})`);
        if (await withQueueClient((c) => c.datasetInUse(id))) throw new UsageError(`dataset ${id} is used by a queued or running job: cancel it or wait until it has finished`);
        const removed = await store.delete(id);
        process.stdout.write(o.json ? `${JSON.stringify({ dataset: id, removed })}\n` : removed ? `removed ${id}\n` : `${id} was not in the store\n`);
      });
    });
}
