import { expect, it } from 'vitest';
import { expandOfflineParallel } from './expand-offline-parallel.js';
import { expandOffline } from './offline.js';
import type { ImageSet } from './shape.js';

// Real threads (dist/ worker): 7 small RGB images split over 2 threads.
const shape: [number, number, number] = [9, 8, 3];
const set: ImageSet = {
  images: Uint8Array.from({ length: 7 * 9 * 8 * 3 }, (_, i) => (i * 29 + (i >> 4)) % 256),
  labels: Uint8Array.from([5, 0, 3, 3, 1, 2, 4]),
  n: 7,
  shape,
  classes: ['a', 'b', 'c', 'd', 'e', 'f'],
};

for (const fill of ['nearest', 'constant'] as const) {
  it(`expandOfflineParallel equals expandOffline byte for byte (fill ${fill})`, async () => {
    const ref = expandOffline(set, { fill, fillValue: 9 });
    const got = await expandOfflineParallel(set, { threads: 2, fill, fillValue: 9 });
    expect(got.n).toBe(7 * 18);
    expect(got.shape).toEqual(shape);
    expect(got.classes).toEqual(set.classes);
    expect(Buffer.from(got.labels.buffer).equals(Buffer.from(ref.labels.buffer))).toBe(true);
    expect(Buffer.from(got.images.buffer).equals(Buffer.from(ref.images.buffer))).toBe(true);
  });
}
