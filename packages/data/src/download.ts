/**
 * Downloads one file to `dest` with MD5 verification and an atomic rename:
 * the bytes go to a temporary file next to `dest`, which is renamed only when
 * the checksum matches, so a half-written or corrupt file is never picked up.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataError } from '@tensorpool/core';

/** Raised when the server could not be reached or answered with an error status. */
export class DownloadFailed extends DataError {}

/** How long to wait for the server's response headers: a network that drops packets fails here, not after minutes. */
const RESPONSE_TIMEOUT_MS = 30_000;

export async function downloadVerified(url: string, dest: string, md5: string): Promise<void> {
  let res: Response;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no response in ${RESPONSE_TIMEOUT_MS / 1000} s`)), RESPONSE_TIMEOUT_MS);
  try {
    res = await fetch(url, { signal: abort.signal });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = abort.signal.aborted ? (abort.signal.reason as Error).message : cause?.code ?? cause?.message ?? (e as Error).message;
    throw new DownloadFailed(`cannot download ${url}: ${why}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body) throw new DownloadFailed(`cannot download ${url}: HTTP ${res.status}`);

  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  const hash = createHash('md5');
  try {
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(tmp));
    const got = hash.digest('hex');
    if (got !== md5.toLowerCase()) {
      throw new DataError(`checksum mismatch for ${url}: MD5 ${got}, expected ${md5}; the download is corrupt, try again`);
    }
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof DataError) throw e;
    throw new DownloadFailed(`download of ${url} failed: ${(e as Error).message}`, { cause: e });
  }
}
