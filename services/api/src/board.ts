/**
 * Bull Board at /admin/queues, registered inside its own encapsulated scope
 * whose onRoute hook marks every route the plugin adds (pages, JSON API,
 * static files, and their HEAD twins) `config.board`, so the auth hook
 * protects them by the route they matched. Queues are read-only in the board
 * itself unless an admin token is configured; the auth hook also refuses
 * non-GET/HEAD board requests without the admin role.
 */
import type { FastifyInstance } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { QueueClient } from '@tensorpool/queue';
import type { RouteAuth } from './auth.js';
import { errorAnswer } from './errors.js';

export const BOARD_PATH = '/admin/queues';

export async function registerBoard(app: FastifyInstance, client: QueueClient, opts: { readOnly: boolean; bodyBytes: number }): Promise<void> {
  const board = new FastifyAdapter();
  createBullBoard({
    queues: [client.queues.train, client.queues.epochs, client.queues.shards].map((q) => new BullMQAdapter(q, { readOnlyMode: opts.readOnly })),
    serverAdapter: board,
  });
  // Same one-line error bodies as the rest of the API (the board's own may carry a stack).
  board.setErrorHandler((e) => errorAnswer(e as Error & { statusCode?: number }, opts.bodyBytes) as ReturnType<Parameters<FastifyAdapter['setErrorHandler']>[0]>);
  board.setBasePath(BOARD_PATH);
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object | undefined), board: true } satisfies RouteAuth;
    });
    await scope.register(board.registerPlugin(), { prefix: BOARD_PATH });
  });
}
