/** What the API test files share around their server. */
import type { ApiServer } from '../server.js';

/** After a test file: deletes every key under `prefix:` (the shared Redis is never flushed), then closes the server. */
export async function closeTestServer(app: ApiServer | undefined, prefix: string): Promise<void> {
  if (!app) return;
  const r = app.queueClient.redis;
  const ks = await r.keys(`${prefix}:*`);
  if (ks.length) await r.del(...ks);
  await app.close();
}
