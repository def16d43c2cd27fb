import { expect, it } from 'vitest';
import { IDENTITY_PARAMS } from './augment-config.js';
import { augmentOne } from './augment.js';

const shape = [5, 6, 3] as const;
const src = Uint8Array.from({ length: 90 }, (_, i) => (i * 53 + 7) % 256);

for (const fill of ['nearest', 'constant'] as const) {
  it(`rotation by 0° is the identity, exactly (fill ${fill})`, () => {
    const dst = new Uint8Array(90);
    augmentOne(src, dst, shape, { ...IDENTITY_PARAMS, rotation: 0 }, { fill, fillValue: 99 });
    expect(dst).toEqual(src);
    augmentOne(src, dst, shape, { ...IDENTITY_PARAMS, rotation: 360 }, { fill, fillValue: 99 });
    expect(dst).toEqual(src);
  });

  it(`a horizontal flip mirrors columns and twice is the identity, exactly (fill ${fill})`, () => {
    const once = new Uint8Array(90);
    const twice = new Uint8Array(90);
    augmentOne(src, once, shape, { ...IDENTITY_PARAMS, flip: true }, { fill, fillValue: 99 });
    augmentOne(once, twice, shape, { ...IDENTITY_PARAMS, flip: true }, { fill, fillValue: 99 });
    expect(once).not.toEqual(src);
    // Pixel (y=2, x=1) lands at (y=2, x=4).
    expect(Array.from(once.subarray((2 * 6 + 4) * 3, (2 * 6 + 4) * 3 + 3))).toEqual(Array.from(src.subarray((2 * 6 + 1) * 3, (2 * 6 + 1) * 3 + 3)));
    expect(twice).toEqual(src);
  });
}
