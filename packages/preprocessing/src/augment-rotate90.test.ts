import { expect, it } from 'vitest';
import { IDENTITY_PARAMS } from './augment-config.js';
import { augmentOne } from './augment.js';

// 3x3 single-channel image, rows top to bottom.
const src = Uint8Array.from([
  1, 2, 3,
  4, 5, 6,
  7, 8, 9,
]);

it('a +90° rotation turns a 3x3 image counter-clockwise, exactly', () => {
  const dst = new Uint8Array(9);
  augmentOne(src, dst, [3, 3, 1], { ...IDENTITY_PARAMS, rotation: 90 });
  // Counter-clockwise: the right column becomes the top row.
  expect(Array.from(dst)).toEqual([
    3, 6, 9,
    2, 5, 8,
    1, 4, 7,
  ]);
});

it('-90° on an even-sized RGB image is clockwise, and keeps channels together', () => {
  // 2x2x3: pixel p has channels (10p, 10p+1, 10p+2), pixels numbered 0 1 / 2 3.
  const rgb = Uint8Array.from([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]);
  const dst = new Uint8Array(12);
  augmentOne(rgb, dst, [2, 2, 3], { ...IDENTITY_PARAMS, rotation: -90 });
  // Clockwise: 0 1 / 2 3 -> 2 0 / 3 1.
  expect(Array.from(dst)).toEqual([20, 21, 22, 0, 1, 2, 30, 31, 32, 10, 11, 12]);
});
