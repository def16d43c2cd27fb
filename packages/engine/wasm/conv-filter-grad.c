/*
 * Filter gradient of a stride-1, dilation-1 2-D convolution, channels-last,
 * for ONE sample, accumulated into dw (WebAssembly SIMD128):
 *
 *   dw[a, b, i, o] += sum over (y, x) of x[y + a - pt, x + b - pl, i] * g[y, x, o]
 *
 *   x  [H, W, C]        the layer's input (one sample)
 *   g  [oh, ow, Co]     the gradient at the layer's output (ReLU mask applied)
 *   dw [kh, kw, C, Co]  float32 accumulators
 *
 * Work is ordered by output row (y): the row of g and the kh input rows it
 * touches stay in cache while every tap (a, b) and channel block uses them.
 * Each tap is a small GEMM dw_ab [C, Co] += X_ab^T [C, ow] g_row [ow, Co],
 * computed in 4 x 8 register tiles (4 input channels broadcast, 2 vectors of
 * 4 output channels), 8 accumulators of 4 lanes loaded once per row.
 * Channel remainders (C % 4, Co % 8) take 1-channel / scalar tails.
 */
#include <wasm_simd128.h>

typedef float f32;

/* One 4 x 8 tile: channels i..i+3, outputs o..o+7, over the n pixels of a row. */
static void tile4x8(const f32 *xp, const f32 *gp, f32 *dp, int n, int C, int Co) {
  v128_t a00 = wasm_v128_load(dp), a01 = wasm_v128_load(dp + 4);
  v128_t a10 = wasm_v128_load(dp + Co), a11 = wasm_v128_load(dp + Co + 4);
  v128_t a20 = wasm_v128_load(dp + 2 * Co), a21 = wasm_v128_load(dp + 2 * Co + 4);
  v128_t a30 = wasm_v128_load(dp + 3 * Co), a31 = wasm_v128_load(dp + 3 * Co + 4);
  for (int p = 0; p < n; p++, xp += C, gp += Co) {
    v128_t g0 = wasm_v128_load(gp), g1 = wasm_v128_load(gp + 4);
    v128_t x0 = wasm_v128_load32_splat(xp), x1 = wasm_v128_load32_splat(xp + 1);
    v128_t x2 = wasm_v128_load32_splat(xp + 2), x3 = wasm_v128_load32_splat(xp + 3);
    a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(x0, g0)); a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(x0, g1));
    a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(x1, g0)); a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(x1, g1));
    a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(x2, g0)); a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(x2, g1));
    a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(x3, g0)); a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(x3, g1));
  }
  wasm_v128_store(dp, a00); wasm_v128_store(dp + 4, a01);
  wasm_v128_store(dp + Co, a10); wasm_v128_store(dp + Co + 4, a11);
  wasm_v128_store(dp + 2 * Co, a20); wasm_v128_store(dp + 2 * Co + 4, a21);
  wasm_v128_store(dp + 3 * Co, a30); wasm_v128_store(dp + 3 * Co + 4, a31);
}

/* One 1 x 8 tile: a single input channel (the C % 4 tail). */
static void tile1x8(const f32 *xp, const f32 *gp, f32 *dp, int n, int C, int Co) {
  v128_t a0 = wasm_v128_load(dp), a1 = wasm_v128_load(dp + 4);
  for (int p = 0; p < n; p++, xp += C, gp += Co) {
    v128_t xv = wasm_v128_load32_splat(xp);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(xv, wasm_v128_load(gp)));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(xv, wasm_v128_load(gp + 4)));
  }
  wasm_v128_store(dp, a0);
  wasm_v128_store(dp + 4, a1);
}

/* Scalar dot for one (channel, output) pair (the Co % 8 tail). */
static f32 dot1(const f32 *xp, const f32 *gp, int n, int C, int Co) {
  f32 s = 0;
  for (int p = 0; p < n; p++, xp += C, gp += Co) s += *xp * *gp;
  return s;
}

/* The product of input row span xr (n pixels, C channels each) with g row span gr, into dw_ab. */
static void row_tap(const f32 *xr, const f32 *gr, f32 *dab, int n, int C, int Co) {
  int o8 = Co & ~7;
  int i = 0;
  for (; i + 4 <= C; i += 4)
    for (int o = 0; o < o8; o += 8) tile4x8(xr + i, gr + o, dab + i * Co + o, n, C, Co);
  for (; i < C; i++)
    for (int o = 0; o < o8; o += 8) tile1x8(xr + i, gr + o, dab + i * Co + o, n, C, Co);
  for (int c = 0; c < C; c++)
    for (int o = o8; o < Co; o++) dab[c * Co + o] += dot1(xr + c, gr + o, n, C, Co);
}

__attribute__((export_name("conv_filter_grad_s1")))
void conv_filter_grad_s1(const f32 *x, const f32 *g, f32 *dw, int H, int W, int C, int oh, int ow, int Co,
                         int kh, int kw, int pt, int pl) {
  for (int y = 0; y < oh; y++) {
    const f32 *grow = g + y * ow * Co;
    for (int a = 0; a < kh; a++) {
      int iy = y + a - pt;
      if (iy < 0 || iy >= H) continue;
      for (int b = 0; b < kw; b++) {
        /* output columns whose input column x + b - pl lies in [0, W) */
        int x0 = pl - b > 0 ? pl - b : 0;
        int x1 = W + pl - b < ow ? W + pl - b : ow;
        if (x1 <= x0) continue;
        row_tap(x + (iy * W + x0 + b - pl) * C, grow + x0 * Co, dw + (a * kw + b) * C * Co, x1 - x0, C, Co);
      }
    }
  }
}
