/**
 * A per-machine lock file: created with O_EXCL (open 'wx'), holding
 * {"pid", "host"}. Waiters poll until it is gone; a lock left by a process of
 * this host that no longer runs (killed mid-fetch) is removed as stale.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return false; // gone already: try again
  try {
    const { pid, host } = JSON.parse(text) as { pid: unknown; host: unknown };
    return host === hostname() && typeof pid === 'number' && pid !== process.pid && !alive(pid);
  } catch {
    return false; // being written right now
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname() }));
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Runs fn holding the lock at `path`; `onWait` is called once if another holder makes us wait. */
export async function withLock<T>(path: string, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
  let waited = false;
  while (!(await tryCreate(path))) {
    if (await isStale(path)) {
      await rm(path, { force: true });
      continue;
    }
    if (!waited) onWait?.();
    waited = true;
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
