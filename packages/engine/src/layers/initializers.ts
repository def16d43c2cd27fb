import type { Initializer, WeightDef } from './layer-type.js';

/**
 * Keras's default initialisers. Fans as Keras computes them: conv kernel
 * [kh, kw, in, out] has fan_in = kh*kw*in, fan_out = kh*kw*out; dense [in, out]
 * has fan_in = in, fan_out = out.
 */
export const glorotUniform: Initializer = (out, shape, random) => {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * shape[shape.length - 2];
  const fanOut = receptive * shape[shape.length - 1];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let j = 0; j < out.length; j++) out[j] = (2 * random() - 1) * limit;
};

export const zeros: Initializer = (out) => {
  out.fill(0);
};

export const ones: Initializer = (out) => {
  out.fill(1);
};

/** Kernel (glorot-uniform) and bias (zeros) of a conv/dense layer, Keras's defaults. */
export const kernelAndBias = (kernel: number[], bias: number[]): WeightDef[] => [
  { name: 'kernel', shape: kernel, init: glorotUniform },
  { name: 'bias', shape: bias, init: zeros },
];
