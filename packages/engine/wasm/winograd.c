/*
 * 3x3 stride-1 convolution by Winograd F(4x4, 3x3), channels-last, ONE
 * sample, optional bias and ReLU (WebAssembly SIMD128). Same result as
 * conv_s1_valid with kh = kw = 3, in 36 instead of 144 multiplies per 4x4
 * output tile and (input, output) channel pair:
 *
 *   Y = A^T [ (G g G^T) . (B^T d B) ] A    per 6x6 input tile d, 3x3 filter g
 *
 *   w   [3, 3, C, Co]     filter
 *   U   [36, Cp, Cop]     transformed filter (wino_filter), zero in the pads
 *   xp  [Hp, Wp, Cp]      zero-padded input, Hp >= 4 * ceil(oh / 4) + 2, Wp likewise
 *   out [oh, ow, Co]
 *
 * Cp and Cop are C and Co rounded up to 4 and 8: the transforms run on 4
 * channels per vector, the products on 4 tiles x 8 output channels per
 * register tile. Tiles go in blocks of TB so a block's transformed input V
 * [36, TB, Cp] and products M [36, TB, Cop] stay in cache.
 * Matrices: Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (2015).
 */
#include "winograd-input.h"

/* r = A^T m for 6 values m[0], m[s], ..., m[5s]. */
static inline void at6(const v *m, int s, v *r) {
  v m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s];
  v p12 = ADD(m1, m2), n12 = SUB(m1, m2), p34 = ADD(m3, m4), n34 = SUB(m3, m4);
  r[0] = ADD(ADD(m[0], p12), p34);
  r[1] = ADD(n12, MUL(K(2), n34));
  r[2] = ADD(p12, MUL(K(4), p34));
  r[3] = ADD(ADD(n12, MUL(K(8), n34)), m[5 * s]);
}

/* The 4x4 outputs of one tile from its products M[p * ms + o], clipped to nh x nw. */
static void output_tile(const f32 *M, int ms, const f32 *bias, f32 *op, int ow, int Co, int Cop, int nh, int nw, int relu) {
  for (int o = 0; o < Cop && o < Co; o += 4) {
    v m[36], t[24], y[16];
    for (int p = 0; p < 36; p++) m[p] = wasm_v128_load(M + p * ms + o);
    for (int j = 0; j < 6; j++) at6(m + j, 6, t + j * 4);   /* t[j][k] = (A^T m)[k][j] */
    for (int k = 0; k < 4; k++) at6(t + k, 4, y + k * 4);   /* y[k][l] */
    v b = bias ? wasm_v128_load(bias + o) : K(0);
    for (int k = 0; k < nh; k++) {
      for (int l = 0; l < nw; l++) {
        v r = ADD(y[k * 4 + l], b);
        if (relu) r = wasm_f32x4_max(r, K(0));
        f32 *dst = op + (k * ow + l) * Co + o;
        if (o + 4 <= Co) {
          wasm_v128_store(dst, r);
        } else {
          f32 lanes[4];
          wasm_v128_store(lanes, r);
          for (int q = 0; q < Co - o; q++) dst[q] = lanes[q];
        }
      }
    }
  }
}

/* M [nb, Cop] = V [nb, Cp] U [Cp, Cop] for one of the 36 positions, 4 x 8 register tiles. */
static void gemm(const f32 *V, const f32 *U, f32 *M, int nb, int Cp, int Cop) {
  int t = 0;
  for (; t + 4 <= nb; t += 4) {
    const f32 *v0 = V + t * Cp, *v1 = v0 + Cp, *v2 = v1 + Cp, *v3 = v2 + Cp;
    for (int o = 0; o < Cop; o += 8) {
      v a00 = K(0), a01 = K(0), a10 = K(0), a11 = K(0), a20 = K(0), a21 = K(0), a30 = K(0), a31 = K(0);
      const f32 *u = U + o;
      for (int k = 0; k < Cp; k++, u += Cop) {
        v w0 = wasm_v128_load(u), w1 = wasm_v128_load(u + 4);
        v x0 = wasm_v128_load32_splat(v0 + k), x1 = wasm_v128_load32_splat(v1 + k);
        v x2 = wasm_v128_load32_splat(v2 + k), x3 = wasm_v128_load32_splat(v3 + k);
        a00 = ADD(a00, MUL(x0, w0)); a01 = ADD(a01, MUL(x0, w1));
        a10 = ADD(a10, MUL(x1, w0)); a11 = ADD(a11, MUL(x1, w1));
        a20 = ADD(a20, MUL(x2, w0)); a21 = ADD(a21, MUL(x2, w1));
        a30 = ADD(a30, MUL(x3, w0)); a31 = ADD(a31, MUL(x3, w1));
      }
      f32 *m = M + t * Cop + o;
      wasm_v128_store(m, a00); wasm_v128_store(m + 4, a01);
      wasm_v128_store(m + Cop, a10); wasm_v128_store(m + Cop + 4, a11);
      wasm_v128_store(m + 2 * Cop, a20); wasm_v128_store(m + 2 * Cop + 4, a21);
      wasm_v128_store(m + 3 * Cop, a30); wasm_v128_store(m + 3 * Cop + 4, a31);
    }
  }
  for (; t < nb; t++) {
    const f32 *v0 = V + t * Cp;
    for (int o = 0; o < Cop; o += 8) {
      v a0 = K(0), a1 = K(0);
      const f32 *u = U + o;
      for (int k = 0; k < Cp; k++, u += Cop) {
        v x0 = wasm_v128_load32_splat(v0 + k);
        a0 = ADD(a0, MUL(x0, wasm_v128_load(u)));
        a1 = ADD(a1, MUL(x0, wasm_v128_load(u + 4)));
      }
      wasm_v128_store(M + t * Cop + o, a0);
      wasm_v128_store(M + t * Cop + o + 4, a1);
    }
  }
}

/* U [36, Cp, Cop] = G g G^T per (i, o) of w [3, 3, C, Co], 4 outputs per vector; zero where i >= C or o >= Co. */
__attribute__((export_name("wino_filter")))
void wino_filter(const f32 *w, f32 *U, int C, int Co, int Cp, int Cop) {
  static const f32 G[6][3] = { { 1.f / 4, 0, 0 }, { -1.f / 6, -1.f / 6, -1.f / 6 }, { -1.f / 6, 1.f / 6, -1.f / 6 },
                               { 1.f / 24, 1.f / 12, 1.f / 6 }, { 1.f / 24, -1.f / 12, 1.f / 6 }, { 0, 0, 1 } };
  for (int i = 0; i < Cp; i++) {
    for (int o = 0; o < Cop; o += 4) {
      v g[9], t[18];
      for (int q = 0; q < 9; q++) {
        f32 lanes[4];
        for (int l = 0; l < 4; l++) lanes[l] = i < C && o + l < Co ? w[(q * C + i) * Co + o + l] : 0;
        g[q] = wasm_v128_load(lanes);
      }
      for (int r = 0; r < 6; r++)
        for (int b = 0; b < 3; b++) t[r * 3 + b] = ADD(ADD(MUL(K(G[r][0]), g[b]), MUL(K(G[r][1]), g[3 + b])), MUL(K(G[r][2]), g[6 + b]));
      for (int r = 0; r < 6; r++)
        for (int s = 0; s < 6; s++)
          wasm_v128_store(U + ((r * 6 + s) * Cp + i) * Cop + o,
                          ADD(ADD(MUL(t[r * 3], K(G[s][0])), MUL(t[r * 3 + 1], K(G[s][1]))), MUL(t[r * 3 + 2], K(G[s][2]))));
    }
  }
}

/* out = act(bias + xp (*) w) through U; work holds 36 * (TB * (Cp + Cop) + 2 PAD) floats; bias [Cop] or 0. */
__attribute__((export_name("wino_conv")))
void wino_conv(const f32 *xp, const f32 *U, const f32 *bias, f32 *out, f32 *work, int Wp, int Cp, int oh, int ow, int Co, int Cop, int relu) {
  int th = (oh + 3) / 4, tw = (ow + 3) / 4, T = th * tw;
  int vs = TB * Cp + PAD, ms = TB * Cop + PAD;
  f32 *V = work, *M = work + 36 * vs;
  for (int t0 = 0; t0 < T; t0 += TB) {
    int nb = T - t0 < TB ? T - t0 : TB;
    for (int t = 0; t < nb; t++) {
      int ty = (t0 + t) / tw, tx = (t0 + t) % tw;
      input_tile(xp + (ty * 4 * Wp + tx * 4) * Cp, V + t * Cp, Wp, Cp, vs);
    }
    for (int p = 0; p < 36; p++) gemm(V + p * vs, U + p * Cp * Cop, M + p * ms, nb, Cp, Cop);
    for (int t = 0; t < nb; t++) {
      int ty = (t0 + t) / tw, tx = (t0 + t) % tw;
      int nh = oh - ty * 4 < 4 ? oh - ty * 4 : 4, nw = ow - tx * 4 < 4 ? ow - tx * 4 : 4;
      output_tile(M + t * Cop, ms, bias, out + (ty * 4 * ow + tx * 4) * Co, ow, Co, Cop, nh, nw, relu);
    }
  }
}
