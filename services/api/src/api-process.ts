/**
 * `tensorpool serve` as a Stoppable (packages/queue/src/bounded-stop.ts):
 * start builds the server (which waits for Redis) and listens; close stops
 * accepting connections, lets the requests in progress finish (fastify
 * answers 503 to new requests on kept-alive connections meanwhile) and closes
 * the Redis connection; the stop's grace waits for the requests counted here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InFlight } from '@tensorpool/queue';
import { hook } from '@tensorpool/queue/test-hooks';
import { buildServer, type ApiOptions, type ApiServer } from './server.js';

export interface Listen {
  port: number;
  host: string;
}

export class ApiProcess {
  private app?: ApiServer;
  private readonly requests = new InFlight();
  /** Responses not yet closed, so the close can end the event streams among them. */
  private readonly open = new Set<ServerResponse>();

  /** `onListening` gets the address and the server once it listens (the "ready" line). */
  constructor(private readonly opts: ApiOptions, private readonly listen: Listen, private readonly onListening: (addr: string, app: ApiServer) => void) {}

  async start(): Promise<void> {
    const app = await buildServer(this.opts);
    this.app = app;
    app.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.requests.enter();
      void hook('request', {}); // tests: the request is now what a stop waits for
      this.open.add(res);
      res.once('close', () => {
        this.open.delete(res);
        this.requests.leave();
      });
    });
    this.onListening(await app.listen(this.listen), app);
  }

  async close(): Promise<void> {
    // An event stream (dashboard/sse.ts) never ends by itself: cut it; the browser reconnects with Last-Event-ID.
    for (const res of this.open) if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.destroy();
    await this.app?.close();
  }

  whenIdle(): Promise<void> {
    return this.requests.whenIdle();
  }

  /** Drops every client connection and the Redis connection at once; the process exits next. */
  abandon(): void {
    this.app?.server.closeAllConnections();
    this.app?.queueClient.redis.disconnect();
  }
}
