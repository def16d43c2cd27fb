/**
 * Request logging without secrets: the req serializer logs the path and
 * replaces the whole query string by `?[redacted]` (the dashboard's
 * `?token=` bootstrap must not land in logs, in any spelling of the key).
 * Authorization and Cookie headers are never logged (the serializer does
 * not include headers).
 */
import type { FastifyRequest } from 'fastify';
import type { LogTarget } from './config.js';

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?[redacted]`;
}

const serializers = {
  req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
};

export function loggerOptions(logger: boolean | LogTarget | undefined) {
  if (!logger) return false;
  return logger === true ? { serializers } : { level: logger.level ?? 'info', stream: logger.stream, serializers };
}
