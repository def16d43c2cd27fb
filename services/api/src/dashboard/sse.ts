/**
 * `GET /runs/:id/events` as Server-Sent Events: every event of the run so
 * far, then new ones as they come (`event: run`, `id: <cursor>`, data = the
 * validated event JSON), and `event: end` (data {state}) once the run is
 * over, then the stream closes. A reconnecting browser sends Last-Event-ID
 * and continues after it. Comment lines keep idle proxies from closing it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TERMINAL_EVENTS } from '@tensorpool/core';
import type { CursorEvent, RunSource } from './source.js';

const CURSOR = /^[0-9-]{1,40}$/;
const FINAL_STATE: Record<string, string> = { 'run-finished': 'completed', 'run-failed': 'failed', 'run-cancelled': 'cancelled' };

export async function streamRunEvents(source: RunSource, id: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const last = req.headers['last-event-id'];
  let cursor = typeof last === 'string' && CURSOR.test(last) ? last : '0';
  reply.hijack();
  const res = reply.raw;
  // setHeader, not writeHead's object: a stop finds the event streams by getHeader('content-type') (api-process.ts).
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
  res.writeHead(200);
  const closed = new AbortController();
  res.on('close', () => closed.abort());
  const send = (events: CursorEvent[]): string | undefined => {
    let ended: string | undefined;
    for (const { cursor: c, event } of events) {
      res.write(`event: run\nid: ${c}\ndata: ${JSON.stringify(event)}\n\n`);
      cursor = c;
      ended = TERMINAL_EVENTS.has(event.type) ? FINAL_STATE[event.type] : undefined;
    }
    return ended;
  };
  try {
    let ended = send(await source.read(id, cursor));
    while (!ended && !closed.signal.aborted) {
      const r = await source.wait(id, cursor, closed.signal);
      ended = send(r.events) ?? (r.ended ? 'ended' : undefined);
      if (!ended) res.write(': keep-alive\n\n');
    }
    if (ended && !closed.signal.aborted) res.write(`event: end\ndata: ${JSON.stringify({ state: ended })}\n\n`);
  } catch (e) {
    if (!closed.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify({ message: (e as Error).message.split('\n')[0] })}\n\n`);
  } finally {
    res.end();
  }
}
