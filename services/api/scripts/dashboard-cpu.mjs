#!/usr/bin/env node
// The server's CPU cost of one open dashboard on a running job, as a ratio to
// the job's own CPU time over the same window (run by hand: `node services/api/scripts/dashboard-cpu.mjs`).
// A local `tensorpool train` (tiny model, so the ratio is a worst case) and
// `tensorpool dashboard` as separate processes; the run page open in chromium from
// the first event to the run's end; CPU from /proc/<pid>/stat (all threads), sampled
// every 200 ms. Prints one JSON object.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../dist/testing/browser.js';
import { TINY_SPEC, waitUntil } from '../dist/testing/runs.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const HZ = 100; // USER_HZ on Linux
const dir = mkdtempSync(join(tmpdir(), 'tp-dash-cpu-'));
const cpu = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / HZ; // utime + stime, seconds
  } catch { return undefined; }
};
const run = (args) => spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });

writeFileSync(join(dir, 'tiny.json'), JSON.stringify(TINY_SPEC));
mkdirSync(join(dir, 'runs'));
const dash = run(['dashboard', '--logdir', join(dir, 'runs'), '--port', '0']);
let dashOut = '';
dash.stderr.on('data', (d) => (dashOut += d));
const browser = await launchBrowser();
try {
  await waitUntil('dashboard listening', () => /at (http:\S+)\//.test(dashOut), () => dashOut);
  const base = /at (http:\S+)\//.exec(dashOut)[1];
  const train = run(['train', '--preset', join(dir, 'tiny.json'), '--data', 'fashion-mnist', '--limit', '60000', '--epochs', '3', '--threads', '1', '--validation-split', '0.1', '--out', join(dir, 'runs', 'r')]);
  await waitUntil('first event', () => existsSync(join(dir, 'runs', 'r', 'events.jsonl')));
  const page = await browser.newPage();
  const d0 = cpu(dash.pid); const t0 = cpu(train.pid); const w0 = Date.now();
  let d1 = d0; let t1 = t0;
  const poll = setInterval(() => { const t = cpu(train.pid); if (t !== undefined) { t1 = t; d1 = cpu(dash.pid); } }, 200);
  await page.goto(`${base}/runs/r`);
  await page.waitForSelector('body[data-ended="true"]', { timeout: 600_000 });
  clearInterval(poll);
  const out = { windowSeconds: (Date.now() - w0) / 1000, dashboardCpuSeconds: d1 - d0, trainCpuSeconds: t1 - t0, ratio: (d1 - d0) / (t1 - t0), epochs: 3, trainSamples: 54000 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await browser.close();
  dash.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
