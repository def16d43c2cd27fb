/**
 * The name a writer uses beside `path` before renaming over it: unique per
 * process and per call. A per-process name is not enough: one coordinator can
 * finish a job twice at once (a redelivered last round and its restart scan),
 * and two writes sharing `model.h5.tmp-<pid>` rename each other's half-written
 * file away (ENOENT on the second rename). With a name per call, concurrent
 * writers each rename a whole file and the last one wins.
 */
import { randomBytes } from 'node:crypto';

export function tempSibling(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}
