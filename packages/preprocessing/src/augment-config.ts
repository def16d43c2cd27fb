import { Random, UsageError } from '@tensorpool/core';

/**
 * How pixels outside the source image are filled when a transform samples
 * beyond its edge:
 * - 'nearest': edge replication (Keras ImageDataGenerator's default fill_mode).
 * - 'constant': out-of-image neighbours read `fillValue` (0 = black, like PIL's
 *   rotate); bilinear weights still apply, so edges fade rather than step.
 */
export type FillMode = 'nearest' | 'constant';

/** Online augmentation ranges; every image draws its own `AugmentParams` from these. */
export interface AugmentConfig {
  /** Max |angle| in degrees: angle ~ U(-rotation, rotation), positive = counter-clockwise. */
  rotation: number;
  /** Mirror left-right with probability 1/2. */
  flip: boolean;
  /** Max shift as a fraction of width (x) and height (y): dx ~ U(-shift, shift) * w. */
  shift: number;
  /** Isotropic scale ~ U(1 - zoom, 1 + zoom); > 1 enlarges the content (zooms in). */
  zoom: number;
  /** Brightness factor ~ U(1 - brightness, 1 + brightness), multiplies every value (like PIL/Keras). */
  brightness: number;
  fill: FillMode;
  /** Value read outside the image when fill = 'constant' (0..255). */
  fillValue: number;
}

/** The defaults of online augmentation, in one object. */
export const AUGMENT_DEFAULTS: Readonly<AugmentConfig> = Object.freeze({
  rotation: 20,
  flip: true,
  shift: 0.1,
  zoom: 0.1,
  brightness: 0.2,
  fill: 'nearest',
  fillValue: 0,
});

/** One image's transform, already drawn. Applied as: flip, zoom, rotate (about the centre), shift; then brightness. */
export interface AugmentParams {
  /** Degrees, counter-clockwise. */
  rotation: number;
  flip: boolean;
  /** Shift in pixels (content moves right / down for positive values). */
  shiftX: number;
  shiftY: number;
  /** Scale factor of the content. */
  zoom: number;
  /** Multiplier of every value. */
  brightness: number;
}

export const IDENTITY_PARAMS: Readonly<AugmentParams> = Object.freeze({
  rotation: 0, flip: false, shiftX: 0, shiftY: 0, zoom: 1, brightness: 1,
});

/** Salt of augmentation streams: Random(seed, epoch, sampleIndex, AUGMENT_SALT). */
export const AUGMENT_SALT = 0x61756700; // 'aug\0'

/** Fills in defaults and validates (UsageError naming the field). */
export function resolveAugmentConfig(partial: Partial<AugmentConfig> = {}): AugmentConfig {
  if (typeof partial !== 'object' || partial === null) throw new UsageError(`augment config must be an object, got ${JSON.stringify(partial)}`);
  const unknown = Object.keys(partial).filter((k) => !(k in AUGMENT_DEFAULTS));
  if (unknown.length) {
    throw new UsageError(`unknown augment option(s) ${unknown.join(', ')}: known are ${Object.keys(AUGMENT_DEFAULTS).join(', ')}`);
  }
  const cfg: AugmentConfig = { ...AUGMENT_DEFAULTS, ...partial };
  const range = (name: keyof AugmentConfig, lo: number, hi: number) => {
    const v = cfg[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
      throw new UsageError(`augment ${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
    }
  };
  range('rotation', 0, 180);
  range('shift', 0, 1);
  range('zoom', 0, 0.9);
  range('brightness', 0, 1);
  range('fillValue', 0, 255);
  if (typeof cfg.flip !== 'boolean') throw new UsageError(`augment flip must be true or false, got ${JSON.stringify(cfg.flip)}`);
  if (cfg.fill !== 'nearest' && cfg.fill !== 'constant') {
    throw new UsageError(`augment fill must be 'nearest' or 'constant', got ${JSON.stringify(cfg.fill)}`);
  }
  return cfg;
}

/**
 * Draws one image's params from the stream Random(seed, epoch, sampleIndex,
 * AUGMENT_SALT): the same sample in the same epoch gets the same transform on
 * any thread, in any order. Always draws all six values so a range of 0 does
 * not shift the others.
 */
export function drawAugmentParams(
  cfg: AugmentConfig, shape: readonly [number, number, number], seed: number, epoch: number, sampleIndex: number,
): AugmentParams {
  const r = new Random(seed, epoch, sampleIndex, AUGMENT_SALT);
  const rotation = r.uniform(-cfg.rotation, cfg.rotation);
  const flip = r.next() < 0.5 && cfg.flip;
  const shiftX = r.uniform(-cfg.shift, cfg.shift) * shape[1];
  const shiftY = r.uniform(-cfg.shift, cfg.shift) * shape[0];
  const zoom = r.uniform(1 - cfg.zoom, 1 + cfg.zoom);
  const brightness = r.uniform(1 - cfg.brightness, 1 + cfg.brightness);
  return { rotation, flip, shiftX, shiftY, zoom, brightness };
}
