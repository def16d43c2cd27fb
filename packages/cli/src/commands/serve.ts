import type { Command } from 'commander';
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { buildServer } from '@tensorpool/api';
import { stderrLogger, untilSignal } from '@tensorpool/queue';

/** `tensorpool serve`: the HTTP API (jobs, /healthz, /metrics, /docs, /admin/queues). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API: /jobs, /healthz, /metrics, OpenAPI at /docs, Bull Board at /admin/queues (TENSORPOOL_API_TOKEN enables bearer auth)')
    .option('--port <n>', 'port', (v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535, got '${v}'`);
      return n;
    }, Number(process.env.PORT) || DEFAULTS.apiPort)
    .option('--host <addr>', 'address to listen on', '0.0.0.0')
    .action(async (o: { port: number; host: string }) => {
      const app = await buildServer();
      const addr = await app.listen({ port: o.port, host: o.host });
      stderrLogger.info(`api listening on ${addr}${process.env.TENSORPOOL_API_TOKEN ? ' (bearer auth on)' : ' (no TENSORPOOL_API_TOKEN: job routes are open)'}`);
      const sig = await untilSignal();
      stderrLogger.info(`api: ${sig}, closing`);
      await app.close();
    });
}
