/*
 * Max-pool backward for 2x2 windows at stride 2, no padding, channels-last,
 * ONE sample (WebAssembly SIMD128, 4 channels per vector):
 *
 *   dx[2y + i, 2x + j, c] = dy[y, x, c] if (i, j) is the window's max, else 0
 *
 *   x  [H, W, C]     the pooling's input (2 oh <= H, 2 ow <= W)
 *   dy [oh, ow, C]   gradient at the pooling's output
 *   dx [H, W, C]     written in full: rows / columns no window covers get 0
 *
 * The max is the first strictly greater value in window order (0,0), (0,1),
 * (1,0), (1,1) starting from -inf, as tfjs's cpu backend picks it: ties go to
 * the first, a window of -inf or NaN only routes nothing.
 */
#include <wasm_simd128.h>

typedef float f32;
typedef v128_t v;

/* Index (0-3, or -1) of the first strictly greater of a, b, c, d per lane, from -inf. */
static inline v argmax4(v a, v b, v c, v d) {
  v best = wasm_f32x4_splat(-__builtin_inff()), idx = wasm_i32x4_splat(-1);
  v m = wasm_f32x4_gt(a, best);
  best = wasm_v128_bitselect(a, best, m); idx = wasm_v128_bitselect(wasm_i32x4_splat(0), idx, m);
  m = wasm_f32x4_gt(b, best);
  best = wasm_v128_bitselect(b, best, m); idx = wasm_v128_bitselect(wasm_i32x4_splat(1), idx, m);
  m = wasm_f32x4_gt(c, best);
  best = wasm_v128_bitselect(c, best, m); idx = wasm_v128_bitselect(wasm_i32x4_splat(2), idx, m);
  m = wasm_f32x4_gt(d, best);
  return wasm_v128_bitselect(wasm_i32x4_splat(3), idx, m);
}

static inline int argmax1(f32 a, f32 b, f32 c, f32 d) {
  f32 best = -__builtin_inff();
  int at = -1;
  if (a > best) { best = a; at = 0; }
  if (b > best) { best = b; at = 1; }
  if (c > best) { best = c; at = 2; }
  if (d > best) at = 3;
  return at;
}

/* One window row pair: x rows r0, r1 (W pixels), dy row g, into dx rows d0, d1. */
static void window_row(const f32 *r0, const f32 *r1, const f32 *g, f32 *d0, f32 *d1, int ow, int C) {
  int c4 = C & ~3;
  for (int x = 0; x < ow; x++, r0 += 2 * C, r1 += 2 * C, d0 += 2 * C, d1 += 2 * C, g += C) {
    for (int c = 0; c < c4; c += 4) {
      v idx = argmax4(wasm_v128_load(r0 + c), wasm_v128_load(r0 + C + c), wasm_v128_load(r1 + c), wasm_v128_load(r1 + C + c));
      v gv = wasm_v128_load(g + c);
      wasm_v128_store(d0 + c, wasm_v128_and(gv, wasm_i32x4_eq(idx, wasm_i32x4_splat(0))));
      wasm_v128_store(d0 + C + c, wasm_v128_and(gv, wasm_i32x4_eq(idx, wasm_i32x4_splat(1))));
      wasm_v128_store(d1 + c, wasm_v128_and(gv, wasm_i32x4_eq(idx, wasm_i32x4_splat(2))));
      wasm_v128_store(d1 + C + c, wasm_v128_and(gv, wasm_i32x4_eq(idx, wasm_i32x4_splat(3))));
    }
    for (int c = c4; c < C; c++) {
      int at = argmax1(r0[c], r0[C + c], r1[c], r1[C + c]);
      d0[c] = at == 0 ? g[c] : 0; d0[C + c] = at == 1 ? g[c] : 0;
      d1[c] = at == 2 ? g[c] : 0; d1[C + c] = at == 3 ? g[c] : 0;
    }
  }
}

__attribute__((export_name("max_pool_grad_2x2")))
void max_pool_grad_2x2(const f32 *x, const f32 *dy, f32 *dx, int H, int W, int C, int oh, int ow) {
  int row = W * C;
  for (int y = 0; y < oh; y++) {
    f32 *d0 = dx + 2 * y * row, *d1 = d0 + row;
    window_row(x + 2 * y * row, x + (2 * y + 1) * row, dy + y * ow * C, d0, d1, ow, C);
    for (int q = 2 * ow * C; q < row; q++) d0[q] = d1[q] = 0; /* a last odd column */
  }
  for (int q = 2 * oh * row; q < H * row; q++) dx[q] = 0; /* a last odd row */
}
