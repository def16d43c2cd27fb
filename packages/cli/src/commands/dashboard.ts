import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '@tensorpool/core';
import { buildLogdirServer, checkListen } from '@tensorpool/api';
import { stderrLogger, untilSignal } from '@tensorpool/queue';

interface DashboardFlags {
  logdir: string;
  port: number;
  host: string;
  insecureNoAuth: boolean;
}

/**
 * `tensorpool dashboard --logdir DIR`: the web dashboard over local runs
 * (every directory under DIR with an events.jsonl, followed while written).
 * No token: loopback only unless --insecure-no-auth. Distributed jobs are on
 * `tensorpool serve`'s dashboard.
 */
export function register(program: Command): void {
  program
    .command('dashboard')
    .description('web dashboard of local runs: every run directory under --logdir (written by `tensorpool train --out`), live while they train')
    .option('--logdir <dir>', 'directory holding run directories (each with events.jsonl)', 'models')
    .option('--port <n>', 'port (0: any free port)', (v) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port must be 0..65535, got '${v}'`);
      return n;
    }, 6006)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--insecure-no-auth', 'listen beyond loopback (the dashboard has no token: anyone who reaches it sees the runs)', false)
    .action(async (o: DashboardFlags) => {
      checkListen(o.host, false, o.insecureNoAuth);
      const dir = resolve(o.logdir);
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--logdir ${o.logdir} is not a directory`);
      const app = await buildLogdirServer(dir);
      const stop = untilSignal();
      const addr = await app.listen({ port: o.port, host: o.host });
      stderrLogger.info(`dashboard of ${dir} at ${addr}/`);
      const sig = await stop;
      stderrLogger.info(`dashboard: ${sig}, closing`);
      await app.close();
    });
}
