/**
 * Every error answer is one line of JSON, `{ error, message }`: 4xx keep
 * their status and say what was wrong; a value read back from Redis that
 * fails validation (CorruptRecordError, E_CORRUPT) is a 500 with error
 * 'corrupt_record' and the message naming the job and field (no stack, no
 * raw value beyond that bounded message); anything else is a 500 that says
 * nothing about the server's insides (the log has the details).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

const NAMES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  406: 'not_acceptable', 409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
};

export interface ErrorAnswer {
  status: number;
  body: { error: string; message: string };
}

export function errorAnswer(err: Partial<FastifyError> & { message?: string }, bodyBytes: number): ErrorAnswer {
  const s = err.statusCode;
  const status = typeof s === 'number' && s >= 400 && s < 500 ? s : 500;
  if (status === 500 && err.code === 'E_CORRUPT') return { status, body: { error: 'corrupt_record', message: String(err.message ?? '').split('\n')[0].slice(0, 600) } };
  if (status === 500) return { status, body: { error: 'internal', message: 'internal error (the server log has the details)' } };
  const message = status === 413
    ? `request body is larger than ${bodyBytes} bytes (raise it with serve --body-limit or TENSORPOOL_API_BODY_BYTES)`
    : String(err.message ?? NAMES[status] ?? 'bad request').split('\n')[0];
  return { status, body: { error: NAMES[status] ?? 'bad_request', message } };
}

export function errorHandler(bodyBytes: number) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const a = errorAnswer(err, bodyBytes);
    if (a.body.error === 'corrupt_record') req.log.error({ code: err.code, message: a.body.message }, 'corrupt record in Redis');
    else if (a.status === 500) req.log.error({ err }, 'request failed');
    return reply.code(a.status).send(a.body);
  };
}
