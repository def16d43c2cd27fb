/**
 * Stride-1 convolution in our WebAssembly SIMD kernel (packages/engine/wasm/
 * conv-forward.c), used for the forward FusedConv2D (bias, ReLU fused) and,
 * through conv2d-backprop-input.ts, for the input gradient. Per sample, x
 * [H, W, C] is copied into a zero-bordered [Hp, Wp, C] buffer in the kernel
 * module's memory (so the kernel needs no bounds checks), the sample's output
 * [oh, ow, Co] comes back into the tfjs heap. 3x3 filters with enough input
 * channels go to Winograd F(4x4, 3x3) instead (./conv2d-winograd.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type KernelArgs, type WasmBackend, type WasmKernel } from './wasm.js';
import { scratch, simdKernels, simdRoute } from './simd-module.js';
import { convWinograd } from './conv2d-winograd.js';

export interface Padding { top: number; bottom: number; left: number; right: number }

/** y [n, oh, ow, Co] = act(x [n, H, W, C] (*) filter [kh, kw, C, Co] + bias [Co]), stride 1, zero padding `pad`. */
export function convSimd(backend: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, pad: Padding, relu: boolean): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const [kh, kw, , co] = filter.shape;
  if (kh === 3 && kw === 3 && simdRoute.winograd && C >= simdRoute.minWinogradChannels) return convWinograd(backend, x, filter, bias, pad, relu);
  const Hp = H + pad.top + pad.bottom, Wp = W + pad.left + pad.right;
  const oh = Hp - kh + 1, ow = Wp - kw + 1;
  const res = backend.makeOutput([n, oh, ow, co], 'float32');
  const ws = kh * kw * C * co, xs = Hp * Wp * C, os = oh * ow * co;
  const k = simdKernels();
  const { mem, at } = scratch(k, ws + co + xs + os + 4);
  const wo = at, bo = wo + ws, xo = (bo + co + 3) & ~3, oo = xo + xs;
  mem.set(heapF32(backend, filter), wo);
  if (bias) mem.set(heapF32(backend, bias), bo);
  mem.fill(0, xo, xo + xs); // the border stays zero: samples only overwrite the interior
  const xh = heapF32(backend, x), yh = heapF32(backend, res);
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < H; r++) {
      const src = ((s * H + r) * W) * C;
      mem.set(xh.subarray(src, src + W * C), xo + ((r + pad.top) * Wp + pad.left) * C);
    }
    k.conv_s1_valid(xo * 4, wo * 4, bias ? bo * 4 : 0, oo * 4, Wp, C, oh, ow, co, kh, kw, relu ? 1 : 0);
    yh.set(mem.subarray(oo, oo + os), s * os);
  }
  return res;
}

/** FusedConv2D: stride 1, dilation 1, NHWC, >= minForwardChannels input channels, bias [Co] or none, linear or ReLU -> convSimd; anything else -> `fallback`. */
export function makeFusedConv2D(fallback: WasmKernel): WasmKernel {
  return (args: KernelArgs) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = args.attrs as unknown as tf.FusedConv2DAttrs;
    const co = filter!.shape[3];
    if (!simdRoute.enabled || x!.shape[3] < simdRoute.minForwardChannels || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')
      || (dataFormat !== undefined && dataFormat !== 'NHWC') || x!.dtype !== 'float32' || filter!.dtype !== 'float32'
      || (bias && (bias.dtype !== 'float32' || bias.shape.reduce((a, b) => a * b, 1) !== co || bias.shape[bias.shape.length - 1] !== co))) {
      return fallback(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return fallback(args);
    const p = info.padInfo;
    if (p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0) return fallback(args);
    return convSimd(args.backend, x!, filter!, bias ?? null, p, activation === 'relu');
  };
}

