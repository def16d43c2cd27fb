/*
 * Stride-1, dilation-1 2-D convolution over an already zero-padded input,
 * channels-last, ONE sample, optional bias and ReLU (WebAssembly SIMD128):
 *
 *   out[y, x, o] = act(bias[o] + sum over (a, b, i) of xp[y + a, x + b, i] * w[a, b, i, o])
 *
 *   xp  [Hp, Wp, C]      input with its padding already in place (Hp = oh + kh - 1)
 *   w   [kh, kw, C, Co]  filter
 *   out [oh, ow, Co]
 *
 * Register tiles of 4 output pixels x 8 output channels (8 accumulators of
 * 4 lanes): per input channel and tap, 2 filter vectors and 4 broadcast
 * inputs. Pixel remainders (ow % 4) take 1 x 8 tiles, Co % 8 a scalar tail.
 * Also the input gradient: a forward convolution of the output gradient
 * with the flipped, in/out-swapped filter (see conv2d-backprop-input.ts).
 */
#include <wasm_simd128.h>

typedef float f32;

static inline v128_t act(v128_t v, int relu) { return relu ? wasm_f32x4_max(v, wasm_f32x4_splat(0)) : v; }

static void tile4x8(const f32 *xp, const f32 *w, const f32 *bias, f32 *op, int Wp, int C, int Co, int kh, int kw, int relu) {
  v128_t b0 = bias ? wasm_v128_load(bias) : wasm_f32x4_splat(0), b1 = bias ? wasm_v128_load(bias + 4) : wasm_f32x4_splat(0);
  v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
  for (int a = 0; a < kh; a++) {
    for (int b = 0; b < kw; b++) {
      const f32 *xr = xp + (a * Wp + b) * C;
      const f32 *wr = w + (a * kw + b) * C * Co;
      for (int i = 0; i < C; i++, wr += Co) {
        v128_t w0 = wasm_v128_load(wr), w1 = wasm_v128_load(wr + 4);
        v128_t x0 = wasm_v128_load32_splat(xr + i), x1 = wasm_v128_load32_splat(xr + C + i);
        v128_t x2 = wasm_v128_load32_splat(xr + 2 * C + i), x3 = wasm_v128_load32_splat(xr + 3 * C + i);
        a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(x0, w0)); a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(x0, w1));
        a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(x1, w0)); a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(x1, w1));
        a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(x2, w0)); a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(x2, w1));
        a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(x3, w0)); a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(x3, w1));
      }
    }
  }
  wasm_v128_store(op, act(a00, relu)); wasm_v128_store(op + 4, act(a01, relu));
  wasm_v128_store(op + Co, act(a10, relu)); wasm_v128_store(op + Co + 4, act(a11, relu));
  wasm_v128_store(op + 2 * Co, act(a20, relu)); wasm_v128_store(op + 2 * Co + 4, act(a21, relu));
  wasm_v128_store(op + 3 * Co, act(a30, relu)); wasm_v128_store(op + 3 * Co + 4, act(a31, relu));
}

static void tile1x8(const f32 *xp, const f32 *w, const f32 *bias, f32 *op, int Wp, int C, int Co, int kh, int kw, int relu) {
  v128_t a0 = bias ? wasm_v128_load(bias) : wasm_f32x4_splat(0), a1 = bias ? wasm_v128_load(bias + 4) : wasm_f32x4_splat(0);
  for (int a = 0; a < kh; a++) {
    for (int b = 0; b < kw; b++) {
      const f32 *xr = xp + (a * Wp + b) * C;
      const f32 *wr = w + (a * kw + b) * C * Co;
      for (int i = 0; i < C; i++, wr += Co) {
        v128_t xv = wasm_v128_load32_splat(xr + i);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(xv, wasm_v128_load(wr)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(xv, wasm_v128_load(wr + 4)));
      }
    }
  }
  wasm_v128_store(op, act(a0, relu));
  wasm_v128_store(op + 4, act(a1, relu));
}

static f32 dot1(const f32 *xp, const f32 *w, f32 bias, int Wp, int C, int Co, int kh, int kw, int relu) {
  f32 s = bias;
  for (int a = 0; a < kh; a++)
    for (int b = 0; b < kw; b++)
      for (int i = 0; i < C; i++) s += xp[(a * Wp + b) * C + i] * w[((a * kw + b) * C + i) * Co];
  return relu && s < 0 ? 0 : s;
}

__attribute__((export_name("conv_s1_valid")))
void conv_s1_valid(const f32 *xp, const f32 *w, const f32 *bias, f32 *out, int Wp, int C, int oh, int ow, int Co,
                   int kh, int kw, int relu) {
  int o8 = Co & ~7;
  for (int y = 0; y < oh; y++) {
    const f32 *xrow = xp + y * Wp * C;
    f32 *orow = out + y * ow * Co;
    int x = 0;
    for (; x + 4 <= ow; x += 4)
      for (int o = 0; o < o8; o += 8) tile4x8(xrow + x * C, w + o, bias ? bias + o : 0, orow + x * Co + o, Wp, C, Co, kh, kw, relu);
    for (; x < ow; x++)
      for (int o = 0; o < o8; o += 8) tile1x8(xrow + x * C, w + o, bias ? bias + o : 0, orow + x * Co + o, Wp, C, Co, kh, kw, relu);
    for (x = 0; x < ow; x++)
      for (int o = o8; o < Co; o++) orow[x * Co + o] = dot1(xrow + x * C, w + o, bias ? bias[o] : 0, Wp, C, Co, kh, kw, relu);
  }
}
