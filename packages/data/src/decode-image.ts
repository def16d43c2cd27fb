import sharp from 'sharp';
import { DataError } from '@tensorpool/core';

/**
 * Decodes one file into out ([h, w, c] bytes). Grayscale is computed from the
 * sRGB pixels with PIL's convert("L") weights (ITU-R 601-2, 16-bit fixed point),
 * as Keras's load_img(color_mode="grayscale") does; libvips' own b-w
 * conversion is perceptual (L*) and gives different values.
 */
export async function decodeInto(file: string | Buffer, [h, w, c]: [number, number, number], out: Uint8Array): Promise<void> {
  const img = sharp(file, { failOn: 'error' }).resize(w, h, { fit: 'fill' }).removeAlpha().toColourspace('srgb');
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const px = h * w;
  if (info.width !== w || info.height !== h) throw new Error(`decoded to ${info.width}x${info.height}`);
  if (info.channels === 3 && c === 3) {
    out.set(data.subarray(0, px * 3));
  } else if (info.channels === 3 && c === 1) {
    for (let i = 0; i < px; i++) out[i] = (data[3 * i] * 19595 + data[3 * i + 1] * 38470 + data[3 * i + 2] * 7471 + 0x8000) >>> 16;
  } else if (info.channels === 1) {
    for (let i = 0; i < px; i++) for (let k = 0; k < c; k++) out[c * i + k] = data[i];
  } else {
    throw new Error(`decoded to ${info.channels} channels, expected ${c}`);
  }
}

/**
 * Decodes one image file (or its bytes, an upload) of any size into `out`
 * ([h, w, c] uint8), as image folders are read for training; a file sharp
 * cannot read is a DataError naming it.
 */
export async function decodeImage(file: string | Buffer, shape: [number, number, number], out: Uint8Array): Promise<void> {
  try {
    await decodeInto(file, shape, out);
  } catch (e) {
    throw new DataError(`cannot decode ${typeof file === 'string' ? `image ${file}` : 'the image'}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}
