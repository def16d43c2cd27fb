/*
 * Shared by winograd.c (forward) and winograd-filter-grad.c (filter gradient):
 * types, vector shorthands, and the F(4x4, 3x3) input transform B^T d B of
 * one 6x6 tile. Matrices: Lavin & Gray (2015).
 */
#ifndef WINOGRAD_INPUT_H
#define WINOGRAD_INPUT_H
#include <wasm_simd128.h>

typedef float f32;
typedef v128_t v;
#define TB 16
/* Float stride between the 36 positions of V and M: padded past TB * channels so
 * the 36 loads / stores of one tile do not all land 4 KiB apart (cache set aliasing). */
#define PAD 16

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K(c) wasm_f32x4_splat(c)

/* r = B^T d for 6 values d[0], d[s], ..., d[5s]. */
static inline void bt6(const v *d, int s, v *r) {
  v d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  r[0] = ADD(SUB(MUL(K(4), d0), MUL(K(5), d2)), d4);
  r[1] = SUB(ADD(d3, d4), MUL(K(4), ADD(d1, d2)));
  r[2] = ADD(MUL(K(4), SUB(d1, d2)), SUB(d4, d3));
  r[3] = ADD(MUL(K(2), SUB(d3, d1)), SUB(d4, d2));
  r[4] = ADD(MUL(K(2), SUB(d1, d3)), SUB(d4, d2));
  r[5] = ADD(SUB(MUL(K(4), d1), MUL(K(5), d3)), d5);
}

/* V[p * vs + c] (p = 6 i + j) = (B^T d B)[i, j] for the 6x6 tile at xp, all Cp channels. */
static void input_tile(const f32 *xp, f32 *V, int Wp, int Cp, int vs) {
  for (int c = 0; c < Cp; c += 4) {
    v d[36], t[36], r[36];
    for (int i = 0; i < 6; i++)
      for (int j = 0; j < 6; j++) d[i * 6 + j] = wasm_v128_load(xp + (i * Wp + j) * Cp + c);
    for (int j = 0; j < 6; j++) bt6(d + j, 6, t + j * 6);   /* t[j][i] = (B^T d)[i][j] */
    for (int i = 0; i < 6; i++) bt6(t + i, 6, r + i * 6);   /* r[i][j] = (B^T d B)[i][j] */
    for (int p = 0; p < 36; p++) wasm_v128_store(V + p * vs + c, r[p]);
  }
}

#endif
