/**
 * `tensorpool dashboard --logdir DIR`: the dashboard over local runs, no
 * Redis, no token. It only listens on loopback unless told otherwise
 * (bind.ts's checkListen, as `serve` without a token).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { loggerOptions } from '../log.js';
import { LogdirSource } from './logdir-source.js';
import { registerDashboard } from './routes.js';
import { registerExplorer } from './explorer-routes.js';

export async function buildLogdirServer(dir: string, opts: { logger?: boolean; pollMs?: number } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: loggerOptions(opts.logger) });
  const source = new LogdirSource(dir, opts.pollMs);
  app.addHook('onClose', async () => source.close());
  app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  await registerDashboard(app, source);
  await registerExplorer(app, { modelsRoot: dir, source }); // the log dir's runs are the models
  return app;
}
