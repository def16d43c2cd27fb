// Over TLS the dashboard's session cookie is also `Secure`. The API's own HTTP
// server gets its connections from a TLS listener in front of it (the socket
// it sees is encrypted, as behind a TLS-serving `https` server), with a
// throwaway self-signed certificate made by openssl for this test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-board-tls-${process.pid}`;
const token = 'tls-tok-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tp-tls-'));
let app: ApiServer;
let tls: Server;

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  app = await buildServer({ prefix, token });
  await app.ready();
  tls = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (sock) => app.server.emit('connection', sock));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => tls.close(resolve));
  await closeTestServer(app, prefix);
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (tls.address() as AddressInfo).port, path, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: String(res.headers['set-cookie'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard session cookie over TLS', () => {
  it('is Secure when the request came over TLS', async () => {
    const r = await get(`/admin/queues?token=${token}`);
    expect(r.status).toBe(303);
    expect(r.setCookie).toMatch(/^tensorpool_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/);
  });
});
