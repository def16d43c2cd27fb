#!/usr/bin/env node
// Writes a screenshot of each dashboard page to docs/screenshots/ (run by hand,
// not by tests: `pnpm screenshots`), and prints each page's load time (navigation
// start to the page showing its data) as JSON, with 11 loads of a finished run page
// (median, min, max). Needs Redis on REDIS_URL / 127.0.0.1
// and Debian's chromium. Everything it creates lives under its own key prefix and a
// temp dir, deleted at the end.
//   local:  tensorpool train x2 (one finished, one held after epoch 2), tensorpool dashboard;
//           the compare page of the two runs; the pooling explorer
//   serve:  coordinator + 2 workers + a 3-epoch, 2-shard job with 2 rounds per epoch,
//           the API's dashboard: the job shown running (its shards pause in epoch 2 on a test
//           hook: cancel button, epoch 1's timeline), released, then finished (model downloads)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLogdirServer, buildServer } from '../dist/index.js';
import { launchBrowser } from '../dist/testing/browser.js';
import { TINY_SPEC, waitUntil } from '../dist/testing/runs.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const OUT = process.env.SCREENSHOTS_OUT ?? join(ROOT, 'docs/screenshots'); // another dir to compare before replacing
const dir = mkdtempSync(join(tmpdir(), 'tp-screens-'));
const prefix = `tp-screens-${process.pid}`;
const token = `screens-${process.pid}-token`;
const procs = [];
const timings = {};

function cli(args, env = {}) {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, TENSORPOOL_PREFIX: prefix, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const p = { child, out: () => out, exited: new Promise((r) => child.on('exit', r)) };
  procs.push(p);
  return p;
}
const events = (runDir) => (existsSync(join(runDir, 'events.jsonl')) ? readFileSync(join(runDir, 'events.jsonl'), 'utf8') : '');

/** Opens `url`, waits for `ready` (a selector that appears once the page shows its data), screenshots it. */
async function shoot(page, name, url, ready) {
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector(ready, { timeout: 120_000 });
  timings[name] = { ms: Date.now() - t0, domContentLoadedMs: Math.round(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)) };
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  process.stderr.write(`${name}.png (${timings[name].ms} ms)\n`);
}

const browser = await launchBrowser();
try {
  mkdirSync(OUT, { recursive: true });
  const spec = join(dir, 'tiny.json');
  writeFileSync(spec, JSON.stringify(TINY_SPEC));
  const gate = join(dir, 'gate');
  mkdirSync(gate);
  writeFileSync(join(gate, 'epoch-1'), ''); // run b is held after epoch 2
  const train = (name, extra, env = {}) => cli(['train', '--preset', spec, '--data', 'fashion-mnist', '--limit', '2048', '--epochs', '4', '--threads', '1',
    '--validation-split', '0.2', '--seed', '7', '--out', join(dir, 'runs', name), ...extra], env);
  const a = train('tiny-lr-default', []);
  const b = train('tiny-batch-64', ['--batch-size', '64'], { TENSORPOOL_TEST_EPOCH_GATE: gate });
  if ((await a.exited) !== 0) throw new Error(a.out());
  await waitUntil('run b at epoch 2', () => (events(join(dir, 'runs/tiny-batch-64')).match(/"epoch-end"/g) ?? []).length >= 2, b.out);

  const local = await buildLogdirServer(join(dir, 'runs'), { pollMs: 200 });
  const lbase = await local.listen({ host: '127.0.0.1', port: 0 });
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot(page, 'runs-local', `${lbase}/`, 'tr[data-state="running"]');
  await shoot(page, 'run-finished', `${lbase}/runs/tiny-lr-default`, '#cm-table');
  // Page load of a finished run page, repeated: navigation to the confusion matrix drawn (every event replayed).
  const loads = [];
  for (let i = 0; i < 11; i++) {
    const t0 = Date.now();
    await page.goto(`${lbase}/runs/tiny-lr-default`);
    await page.waitForSelector('#cm-table');
    loads.push(Date.now() - t0);
  }
  loads.sort((x, y) => x - y);
  timings.runPageLoads = { n: loads.length, medianMs: loads[5], minMs: loads[0], maxMs: loads.at(-1) };
  // The finished run's model (its directory under the log dir) in the pooling explorer, on its first saved sample.
  await shoot(page, 'explorer', `${lbase}/explorer?model=tiny-lr-default&sample=0`, 'body[data-state="ready"]');
  await shoot(page, 'run-live', `${lbase}/runs/tiny-batch-64`, '#loss-chart[data-points="2"]');
  await shoot(page, 'compare', `${lbase}/compare?ids=tiny-lr-default,tiny-batch-64`, 'body[data-loaded="true"]');
  for (const k of [2, 3]) writeFileSync(join(gate, `epoch-${k}`), '');
  await b.exited;
  await local.close();

  const api = await buildServer({ prefix, token, modelsDir: join(dir, 'models') }); // the coordinator's: the run page finds its samples
  const base = await api.listen({ host: '127.0.0.1', port: 0 });
  cli(['coordinator', '--threads', '1', '--models-dir', join(dir, 'models')]);
  // Each worker's first shard of epoch 2 pauses after its first step until SIGUSR2, so the job is shown running.
  const hold = { TENSORPOOL_TEST_HOOKS: JSON.stringify([{ at: 'shard-step', epoch: 1, step: 1, pause: true }]) };
  const workers = [cli(['worker', '--threads', '1', '--id', 'worker-a'], hold), cli(['worker', '--threads', '1', '--id', 'worker-b'], hold)];
  await waitUntil('workers', async () => (await api.queueClient.stats()).workers.length === 2);
  const r = await fetch(`${base}/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spec: TINY_SPEC, data: 'fashion-mnist', epochs: 3, shards: 2, syncEvery: 2, limit: 2048, testLimit: 1000, batchSize: 32, seed: 7 }) });
  const { jobId } = await r.json();
  await shoot(page, 'login', `${base}/`, 'form.login');
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  await waitUntil('both workers paused in epoch 2', () => workers.every((w) => w.out().includes('shard-step epoch=1')), () => workers.map((w) => w.out()).join('\n'));
  await shoot(page, 'workers', `${base}/workers`, 'tr[data-worker="worker-b"]');
  await shoot(page, 'run-distributed-live', `${base}/runs/${jobId}`, '#loss-chart[data-points="1"]');
  for (const w of workers) w.child.kill('SIGUSR2');
  await page.goto(`${base}/runs/${jobId}`);
  await page.waitForSelector('body[data-ended="true"]', { timeout: 240_000 });
  await shoot(page, 'run-distributed', `${base}/runs/${jobId}`, 'body[data-ended="true"] #files a[data-file="model.h5"]');
  await shoot(page, 'runs-distributed', `${base}/`, `tr[data-run-id="${jobId}"][data-state="completed"]`);
  await api.close();
  process.stdout.write(`${JSON.stringify({ pageLoad: timings })}\n`);
  const errors = browser.errors.filter((e) => !e.includes('status of 401')); // the login redirect's own 401
  if (errors.length) throw new Error(`console errors:\n${errors.join('\n')}`);
} finally {
  await browser.close();
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const ks = await redis.keys(`${prefix}:*`);
  if (ks.length) await redis.del(...ks);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
