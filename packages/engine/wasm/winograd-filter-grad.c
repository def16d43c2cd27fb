/*
 * Filter gradient of a 3x3 stride-1 convolution in the Winograd F(4x4, 3x3)
 * domain, channels-last (WebAssembly SIMD128). The forward tile is
 * Y = A^T [ (G g G^T) . (B^T d B) ] A (winograd.c); its gradient with respect
 * to the filter g, summed over every 4x4 output tile of every sample, is
 *
 *   dW = G^T [ sum over tiles of (B^T d B) . (A dY A^T) ] G
 *
 * so per (input, output) channel pair a tile costs 36 multiplies instead of
 * 144, and the 3x3 output transform runs once per call, not per tile.
 *
 *   xp [ns, Hp, Wp, Cp]     zero-padded input, Hp = 4 th + 2, Wp = 4 tw + 2
 *   gp [ns, 4 th, 4 tw, Cop] output gradient, zero past [oh, ow] and in the pad channels
 *   M  [36, Cp, Cop]        accumulated products (wino_filter_grad_acc), zeroed by the caller
 *   dw [3, 3, C, Co]        the filter gradient (wino_filter_grad_out)
 *
 * Cp, Cop: C and Co rounded up to 4 and 8. Tiles of all ns samples go in blocks
 * of GB: a block's transformed input V [36, GB, Cp] and gradient D [36, GB, Cop]
 * stay in cache while each position's M [Cp, Cop] += V^T D runs in 4 x 8
 * register tiles (8 accumulators loaded once per block).
 */
#include "winograd-input.h"

#define GB 32

/* r = A g for 4 values g[0], g[s], g[2s], g[3s] (A = the 6x4 transpose of A^T). */
static inline void a6(const v *g, int s, v *r) {
  v g0 = g[0], g1 = g[s], g2 = g[2 * s], g3 = g[3 * s];
  v e = ADD(g0, g2), o = ADD(g1, g3);
  v e4 = ADD(g0, MUL(K(4), g2)), o2 = ADD(MUL(K(2), g1), MUL(K(8), g3));
  r[0] = g0;
  r[1] = ADD(e, o);
  r[2] = SUB(e, o);
  r[3] = ADD(e4, o2);
  r[4] = SUB(e4, o2);
  r[5] = g3;
}

/* D[p * ds + o] (p = 6 i + j) = (A g A^T)[i, j] for the 4x4 tile at gp (gw pixels a row), all Cop channels. */
static void grad_tile(const f32 *gp, f32 *D, int gw, int Cop, int ds) {
  for (int o = 0; o < Cop; o += 4) {
    v g[16], t[24], r[36];
    for (int k = 0; k < 4; k++)
      for (int l = 0; l < 4; l++) g[k * 4 + l] = wasm_v128_load(gp + (k * gw + l) * Cop + o);
    for (int l = 0; l < 4; l++) a6(g + l, 4, t + l * 6);   /* t[l][i] = (A g)[i][l] */
    for (int i = 0; i < 6; i++) a6(t + i, 6, r + i * 6);   /* r[i][j] = (A g A^T)[i][j] */
    for (int p = 0; p < 36; p++) wasm_v128_store(D + p * ds + o, r[p]);
  }
}

/* M [Cp, Cop] += V [nb, Cp]^T D [nb, Cop] for one of the 36 positions. */
static void gemm_tn(const f32 *V, const f32 *D, f32 *M, int nb, int Cp, int Cop) {
  for (int i = 0; i < Cp; i += 4) {
    for (int o = 0; o < Cop; o += 8) {
      f32 *m = M + i * Cop + o;
      v a00 = wasm_v128_load(m), a01 = wasm_v128_load(m + 4);
      v a10 = wasm_v128_load(m + Cop), a11 = wasm_v128_load(m + Cop + 4);
      v a20 = wasm_v128_load(m + 2 * Cop), a21 = wasm_v128_load(m + 2 * Cop + 4);
      v a30 = wasm_v128_load(m + 3 * Cop), a31 = wasm_v128_load(m + 3 * Cop + 4);
      const f32 *vp = V + i, *dp = D + o;
      for (int t = 0; t < nb; t++, vp += Cp, dp += Cop) {
        v g0 = wasm_v128_load(dp), g1 = wasm_v128_load(dp + 4);
        v x0 = wasm_v128_load32_splat(vp), x1 = wasm_v128_load32_splat(vp + 1);
        v x2 = wasm_v128_load32_splat(vp + 2), x3 = wasm_v128_load32_splat(vp + 3);
        a00 = ADD(a00, MUL(x0, g0)); a01 = ADD(a01, MUL(x0, g1));
        a10 = ADD(a10, MUL(x1, g0)); a11 = ADD(a11, MUL(x1, g1));
        a20 = ADD(a20, MUL(x2, g0)); a21 = ADD(a21, MUL(x2, g1));
        a30 = ADD(a30, MUL(x3, g0)); a31 = ADD(a31, MUL(x3, g1));
      }
      wasm_v128_store(m, a00); wasm_v128_store(m + 4, a01);
      wasm_v128_store(m + Cop, a10); wasm_v128_store(m + Cop + 4, a11);
      wasm_v128_store(m + 2 * Cop, a20); wasm_v128_store(m + 2 * Cop + 4, a21);
      wasm_v128_store(m + 3 * Cop, a30); wasm_v128_store(m + 3 * Cop + 4, a31);
    }
  }
}

/* M += products of every tile of ns samples; work holds 36 * (GB * (Cp + Cop) + 2 PAD) floats. */
__attribute__((export_name("wino_filter_grad_acc")))
void wino_filter_grad_acc(const f32 *xp, const f32 *gp, f32 *M, f32 *work, int ns, int th, int tw, int Cp, int Cop) {
  int Hp = 4 * th + 2, Wp = 4 * tw + 2, gw = 4 * tw, per = th * tw, T = ns * per;
  int vs = GB * Cp + PAD, ds = GB * Cop + PAD;
  f32 *V = work, *D = work + 36 * vs;
  for (int t0 = 0; t0 < T; t0 += GB) {
    int nb = T - t0 < GB ? T - t0 : GB;
    for (int t = 0; t < nb; t++) {
      int s = (t0 + t) / per, r = (t0 + t) % per, ty = r / tw, tx = r % tw;
      input_tile(xp + ((s * Hp + ty * 4) * Wp + tx * 4) * Cp, V + t * Cp, Wp, Cp, vs);
      grad_tile(gp + ((s * 4 * th + ty * 4) * gw + tx * 4) * Cop, D + t * Cop, gw, Cop, ds);
    }
    for (int p = 0; p < 36; p++) gemm_tn(V + p * vs, D + p * ds, M + p * Cp * Cop, nb, Cp, Cop);
  }
}

/* r = G^T m for 6 values m[0], m[s], ..., m[5s] (3 values). */
static inline void gt3(const v *m, int s, v *r) {
  v p12 = ADD(m[s], m[2 * s]), n12 = SUB(m[s], m[2 * s]), p34 = ADD(m[3 * s], m[4 * s]), n34 = SUB(m[3 * s], m[4 * s]);
  r[0] = ADD(SUB(MUL(K(1.f / 4), m[0]), MUL(K(1.f / 6), p12)), MUL(K(1.f / 24), p34));
  r[1] = ADD(MUL(K(-1.f / 6), n12), MUL(K(1.f / 12), n34));
  r[2] = ADD(MUL(K(1.f / 6), SUB(p34, p12)), m[5 * s]);
}

/* dw [3, 3, C, Co] = G^T M G per (i, o), 4 outputs per vector. */
__attribute__((export_name("wino_filter_grad_out")))
void wino_filter_grad_out(const f32 *M, f32 *dw, int C, int Co, int Cp, int Cop) {
  for (int i = 0; i < C; i++) {
    for (int o = 0; o < Co; o += 4) {
      v m[36], t[18], r[9];
      for (int p = 0; p < 36; p++) m[p] = wasm_v128_load(M + (p * Cp + i) * Cop + o);
      for (int j = 0; j < 6; j++) gt3(m + j, 6, t + j * 3);   /* t[j][a] = (G^T m)[a][j] */
      for (int a = 0; a < 3; a++) gt3(t + a, 3, r + a * 3);   /* r[a][b] = (G^T m G)[a][b] */
      for (int q = 0; q < 9; q++) {
        f32 lanes[4];
        wasm_v128_store(lanes, r[q]);
        for (int l = 0; l < 4 && o + l < Co; l++) dw[(q * C + i) * Co + o + l] = lanes[l];
      }
    }
  }
}
