import { expect, it } from 'vitest';
import { IDENTITY_PARAMS } from './augment-config.js';
import { augmentOne } from './augment.js';

// 2x4 single channel; a whole-pixel shift moves pixels without interpolation.
const src = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80]);
const params = { ...IDENTITY_PARAMS, shiftX: 2 };

it("fill 'nearest' replicates the edge pixel into the uncovered area (Keras's default)", () => {
  const dst = new Uint8Array(8);
  augmentOne(src, dst, [2, 4, 1], params, { fill: 'nearest' });
  expect(Array.from(dst)).toEqual([10, 10, 10, 20, 50, 50, 50, 60]);
});

it("fill 'constant' reads fillValue outside the image", () => {
  const dst = new Uint8Array(8);
  augmentOne(src, dst, [2, 4, 1], params, { fill: 'constant', fillValue: 0 });
  expect(Array.from(dst)).toEqual([0, 0, 10, 20, 0, 0, 50, 60]);
  augmentOne(src, dst, [2, 4, 1], { ...params, shiftX: 1.5 }, { fill: 'constant', fillValue: 200 });
  // Half a pixel inside the edge mixes fillValue and the edge pixel: (200 + 10) / 2.
  expect(Array.from(dst)).toEqual([200, 105, 15, 25, 200, 125, 55, 65]);
});
