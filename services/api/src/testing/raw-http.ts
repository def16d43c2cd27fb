/**
 * One HTTP/1.1 request written byte for byte on a TCP socket, so the request
 * target reaches the server exactly as given (absolute-form, ';', encodings),
 * with nothing normalised by a client library. Returns status and body.
 */
import { connect } from 'node:net';

export function rawRequest(port: number, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (data += d));
    sock.on('error', reject);
    sock.on('end', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (!m) return reject(new Error(`no HTTP status line in ${JSON.stringify(data.slice(0, 100))}`));
      resolve({ status: Number(m[1]), body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    const h = { host: `127.0.0.1:${port}`, connection: 'close', ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) };
    sock.write(`${method} ${target} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
  });
}
