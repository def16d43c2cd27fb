/**
 * Dataset routes, a fastify plugin the server registers:
 *
 *   GET    /datasets          manifests (chunk hashes as a count)
 *   GET    /datasets/:ref     one manifest, by id or name
 *   PUT    /datasets/:name    body: a .npz (application/zip or application/x-npz)
 *                             or a tar of an image folder (application/x-tar);
 *                             query: shape=HxWxC, testFraction, seed, limit.
 *                             Streamed to a temporary file (413 past `uploadLimit`,
 *                             nothing kept), decoded, pushed; 201 with the push result,
 *                             507 when the store's budget would be exceeded.
 *   DELETE /datasets/:id      409 while `inUse(id)` says a job needs it
 *
 * Registered by the server (server.ts) after its auth hook, so every route is
 * authenticated like the job routes (none is public), and rate limited when
 * mutating. Uploads are streamed (no fastify body parsing), bounded by the
 * service's upload limit (DEFAULTS.api.uploadBytes, TENSORPOOL_API_UPLOAD_BYTES).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULTS, isTensorpoolError } from '@tensorpool/core';
import { loadDataset } from '@tensorpool/data';
import { extractTar, ID_RE, NAME_RE, pushDataset, StoreFullError, type DatasetStore } from '@tensorpool/datasets';

export interface DatasetRoutesOptions {
  store: DatasetStore;
  /** Largest upload in bytes (default: the server's bodyLimit). */
  uploadLimit?: number;
  /** Most bytes an upload may decode to (tar: files x h x w x c, 413; .npz: its array headers, 400); default DEFAULTS.datasetStoreBytes. */
  decodedLimit?: number;
  /** True while a queued or running job uses the dataset (DELETE is then refused). */
  inUse?: (id: string) => Promise<boolean>;
}

const Query = z.object({
  shape: z.string().regex(/^([1-9]\d{0,3})x([1-9]\d{0,3})x[13]$/, 'shape must be HxWxC with H, W in 1..2048 and C 1 or 3')
    .refine((v) => v.split('x').slice(0, 2).every((d) => Number(d) <= 2048), 'shape must be HxWxC with H, W in 1..2048 and C 1 or 3').optional(),
  testFraction: z.coerce.number().gt(0).lt(1).optional(),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
  limit: z.coerce.number().int().min(1).max(100_000_000).optional(),
}).strict();

const KINDS: Record<string, 'npz' | 'tar'> = { 'application/zip': 'npz', 'application/x-npz': 'npz', 'application/x-tar': 'tar' };

const fail = (status: number, error: string, message: string) => Object.assign(new Error(message), { statusCode: status, error });

/**
 * Copies the body to `file`, failing with 413 past `limit` bytes. On failure the
 * rest of the body is read and dropped (not destroyed), so the 413 reaches the client.
 */
function saveBody(body: Readable, file: string, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let n = 0;
    let failed = false;
    const stop = (err: Error) => {
      if (failed) return;
      failed = true;
      out.destroy();
      out.once('close', () => reject(err));
    };
    out.on('error', stop);
    out.on('finish', () => !failed && resolve());
    body.on('error', stop);
    body.on('data', (chunk: Buffer) => {
      if (failed) return;
      n += chunk.length;
      if (n > limit) return stop(fail(413, 'too_large', `upload is larger than the ${limit}-byte limit`));
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    });
    body.on('end', () => !failed && out.end());
  });
}

/** The image folder root of an extracted tar: the single top directory, if that is all there is. */
async function folderRoot(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.length === 1 && entries[0].isDirectory() ? join(dir, entries[0].name) : dir;
}

async function upload(req: FastifyRequest, opts: DatasetRoutesOptions, limit: number) {
  const { name } = req.params as { name: string };
  if (!NAME_RE.test(name)) throw fail(400, 'bad_request', `dataset name '${name.slice(0, 80)}' must be 1..64 letters, digits, '_', '.', '-'`);
  const q = Query.safeParse(req.query ?? {});
  if (!q.success) throw fail(400, 'bad_request', `query ${q.error.issues[0].path.join('.')}: ${q.error.issues[0].message}`);
  const kind = KINDS[(req.headers['content-type'] ?? '').split(';')[0].trim()];
  if (!kind) throw fail(415, 'unsupported_media_type', `send a .npz as application/zip or a tar of an image folder as application/x-tar`);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw fail(413, 'too_large', `upload is larger than the ${limit}-byte limit`);
  const dir = await mkdtemp(join(tmpdir(), 'tp-upload-'));
  try {
    const file = join(dir, kind === 'npz' ? 'upload.npz' : 'upload.tar');
    await saveBody(req.body as Readable, file, limit);
    const shape = (q.data.shape?.split('x').map(Number) ?? [...DEFAULTS.imageShape]) as [number, number, number];
    const most = opts.decodedLimit ?? DEFAULTS.datasetStoreBytes;
    let ref = file;
    if (kind === 'tar') {
      const files = await extractTar(file, join(dir, 'x'));
      const decoded = files * shape[0] * shape[1] * shape[2];
      if (decoded > most) throw fail(413, 'too_large', `${files} images of ${shape.join('x')} would decode to ${decoded} bytes, more than the ${most}-byte limit`);
      await rm(file);
      ref = await folderRoot(join(dir, 'x'));
    }
    const data = await loadDataset(ref, { shape, testFraction: q.data.testFraction, seed: q.data.seed, limit: q.data.limit, maxBytes: most });
    data.source = `upload ${name} (${kind})`;
    const r = await pushDataset(opts.store, data, { name });
    return { ...r, skipped: (data.skipped ?? []).map((s) => ({ file: s.file.slice(dir.length + 1), reason: s.reason })) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function datasetRoutes(app: FastifyInstance, opts: DatasetRoutesOptions): Promise<void> {
  const limit = opts.uploadLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
  // Uploads are streamed by the route, not parsed by fastify.
  app.addContentTypeParser(Object.keys(KINDS), (_req, payload, done) => done(null, payload));
  app.setErrorHandler((err: Error & { statusCode?: number; error?: string }, _req, reply) => {
    const status = err.statusCode ?? (err instanceof StoreFullError ? 507 : isTensorpoolError(err) ? 400 : 500);
    void reply.code(status).send({ error: err.error ?? (status === 500 ? 'internal' : 'bad_request'), message: err.message.split('\n')[0] });
  });

  app.get('/datasets', async () => (await opts.store.list()).map(({ chunks, ...m }) => ({ ...m, chunks: chunks.length })));
  app.get('/datasets/:ref', async (req) => {
    const { ref } = req.params as { ref: string };
    if (!ID_RE.test(ref) && !NAME_RE.test(ref)) throw fail(400, 'bad_request', 'expected a dataset id sha256:<hex> or a name');
    const m = await opts.store.getManifest(ref);
    if (!m) throw fail(404, 'not_found', `dataset '${ref}' is not in the store`);
    return m;
  });
  app.put('/datasets/:name', async (req, reply) => reply.code(201).send(await upload(req, opts, limit)));
  app.delete('/datasets/:id', async (req) => {
    const { id } = req.params as { id: string };
    if (!ID_RE.test(id)) throw fail(400, 'bad_request', 'expected a dataset id sha256:<64 hex digits>');
    if (await opts.inUse?.(id)) throw fail(409, 'conflict', `dataset ${id} is used by a queued or running job`);
    if (!(await opts.store.delete(id))) throw fail(404, 'not_found', `dataset ${id} is not in the store`);
    return { dataset: id, removed: true };
  });
}
