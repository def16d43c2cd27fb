/**
 * Health of a running tensorpool role, checked from a separate process (a
 * container HEALTHCHECK or a Kubernetes exec probe):
 *   worker       its heartbeat in Redis (`prefix:worker:<id>`, host = this hostname) is fresh;
 *   coordinator  a BullMQ worker of the epochs queue is connected to Redis from this host's addresses;
 *   api          GET http://127.0.0.1:<port>/healthz answers 200 (which pings Redis).
 * Without --role the role is read from the tensorpool process running here
 * (/proc/<pid>/cmdline: `... main.js coordinator|worker|serve [--port N]`),
 * so one image HEALTHCHECK serves every role.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { activeWorkers, connectRedis, HEARTBEAT_TTL_S, QueueClient } from '@tensorpool/queue';

export type Role = 'worker' | 'coordinator' | 'api';
export const ROLES: readonly Role[] = ['worker', 'coordinator', 'api'];
const COMMAND_ROLE: Record<string, Role> = { worker: 'worker', coordinator: 'coordinator', serve: 'api' };

/** The first process here running `main.js <role command>`: its role and its argv after the command. */
export function detectRole(): { role: Role; args: string[] } {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(a) - Number(b))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    const i = argv.findIndex((a) => a.endsWith('main.js'));
    const role = i >= 0 ? COMMAND_ROLE[argv[i + 1]] : undefined;
    if (role) return { role, args: argv.slice(i + 2) };
  }
  throw new UsageError('no tensorpool coordinator, worker or serve process found here; pass --role');
}

/** `--port N` / `--port=N` from a serve command line, else PORT, else the default. */
export function apiPort(args: string[]): number {
  const i = args.findIndex((a) => a === '--port' || a.startsWith('--port='));
  const v = i < 0 ? process.env.PORT : args[i].includes('=') ? args[i].split('=')[1] : args[i + 1];
  const n = Number(v);
  return v && Number.isSafeInteger(n) && n > 0 && n < 65536 ? n : DEFAULTS.apiPort;
}

export async function checkApi(port: number, timeoutMs: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  if (r.status !== 200) throw new Error(`GET /healthz on port ${port}: ${r.status} ${(await r.text()).slice(0, 200)}`);
  return `api on port ${port} answers /healthz`;
}

async function withClient<T>(timeoutMs: number, f: (c: QueueClient) => Promise<T>): Promise<T> {
  const redis = connectRedis(undefined, { maxRetriesPerRequest: 1, connectTimeout: timeoutMs, retryStrategy: () => null });
  const client = new QueueClient({ redis });
  try {
    return await f(client);
  } finally {
    await client.close().catch(() => undefined);
    redis.disconnect();
  }
}

export function checkWorker(id: string | undefined, timeoutMs: number): Promise<string> {
  return withClient(timeoutMs, async (c) => {
    const host = hostname();
    const beats = (await activeWorkers(c.redis, c.keys)).filter((b) => (id ? b.id === id : b.host === host));
    const fresh = beats.filter((b) => Date.now() - b.at < HEARTBEAT_TTL_S * 1000);
    if (fresh.length === 0) throw new Error(`no fresh heartbeat of ${id ? `worker ${id}` : `a worker on host ${host}`} under ${c.keys.prefix}`);
    return `worker ${fresh[0].id} beat ${Date.now() - fresh[0].at} ms ago`;
  });
}

function localAddresses(): Set<string> {
  const out = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

export function checkCoordinator(timeoutMs: number): Promise<string> {
  return withClient(timeoutMs, async (c) => {
    const mine = localAddresses();
    // CLIENT LIST addr is "ip:port" ("[v6]:port" never appears: ioredis connects by host:port).
    const conns = (await c.queues.epochs.getWorkers()).filter((w) => mine.has(String(w.addr).replace(/:\d+$/, '').replace(/^::ffff:/, '')));
    if (conns.length === 0) throw new Error(`no coordinator of ${c.keys.prefix} connected to Redis from this host`);
    return `coordinator connected to Redis (${conns.length} epoch-queue connection${conns.length > 1 ? 's' : ''})`;
  });
}
