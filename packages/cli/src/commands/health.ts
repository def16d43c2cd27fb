import type { Command } from 'commander';
import { UsageError } from '@tensorpool/core';
import { parsePositiveInt } from '../parse.js';
import { apiPort, checkApi, checkCoordinator, checkWorker, detectRole, ROLES, type Role } from '../health-checks.js';

/**
 * `tensorpool health [--role R]`: exit 0 and one line on stdout when the role
 * running here is healthy, else one line on stderr and exit 1. Used by the
 * image's HEALTHCHECK and the Kubernetes probes; see health-checks.ts.
 */
export function register(program: Command): void {
  program
    .command('health')
    .description('check the tensorpool role running here: worker heartbeat fresh, coordinator connected, API /healthz (exit 1 if not)')
    .option('--role <role>', `${ROLES.join('|')} (default: the role of the tensorpool process running here)`, (v: string) => {
      if (!ROLES.includes(v as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got '${v}'`);
      return v as Role;
    })
    .option('--port <n>', 'API port (default: the serve process\'s --port, PORT, 8080)', parsePositiveInt('--port'))
    .option('--id <id>', 'worker id (default: any worker on this hostname)')
    .option('--timeout <ms>', 'give up after this long', parsePositiveInt('--timeout'), 5000)
    .action(async (o: { role?: Role; port?: number; id?: string; timeout: number }) => {
      const found = o.role ? { role: o.role, args: [] } : detectRole();
      let check: Promise<string>;
      if (found.role === 'api') check = checkApi(o.port ?? apiPort(found.args), o.timeout);
      else if (found.role === 'worker') check = checkWorker(o.id, o.timeout);
      else check = checkCoordinator(o.timeout);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${o.timeout} ms`)), o.timeout);
      });
      try {
        process.stdout.write(`healthy: ${await Promise.race([check, timeout])}\n`);
      } catch (e) {
        process.stderr.write(`tensorpool: unhealthy ${found.role}: ${(e as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        clearTimeout(timer);
      }
    });
}
