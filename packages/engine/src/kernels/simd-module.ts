/**
 * Our own WebAssembly SIMD128 kernels (C sources and build script in
 * packages/engine/wasm/, the built kernels.wasm committed). The module has its
 * own linear memory, separate from the tfjs backend's heap: kernels copy their
 * operands in (per sample, so the memory stays small) and the result out.
 * One instance per thread, made on first use.
 */
import { readFileSync } from 'node:fs';

/** The few WebAssembly API types we use (the project's TypeScript libs do not declare them). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface SimdExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  /** See conv-filter-grad.c: pointers are byte offsets into `memory`. */
  conv_filter_grad_s1(x: number, g: number, dw: number, H: number, W: number, C: number, oh: number, ow: number, Co: number,
    kh: number, kw: number, pt: number, pl: number): void;
  /** See conv-forward.c: bias 0 = none, relu 0/1. */
  conv_s1_valid(xp: number, w: number, bias: number, out: number, Wp: number, C: number, oh: number, ow: number, Co: number,
    kh: number, kw: number, relu: number): void;
  /** See max-pool-grad.c: 2x2 windows, stride 2, no padding, one sample. */
  max_pool_grad_2x2(x: number, dy: number, dx: number, H: number, W: number, C: number, oh: number, ow: number): void;
  /** See winograd.c: U [36, Cp, Cop] from w [3, 3, C, Co]. */
  wino_filter(w: number, U: number, C: number, Co: number, Cp: number, Cop: number): void;
  /** See winograd.c: bias 0 = none (else [Cop]), work 36 * (WINO_BLOCK * (Cp + Cop) + 2 * WINO_PAD) floats. */
  wino_conv(xp: number, U: number, bias: number, out: number, work: number, Wp: number, Cp: number, oh: number, ow: number,
    Co: number, Cop: number, relu: number): void;
  /** See winograd-filter-grad.c: M [36, Cp, Cop] += products of ns samples' tiles; work 36 * (WINO_GRAD_BLOCK * (Cp + Cop) + 2 * WINO_PAD) floats. */
  wino_filter_grad_acc(xp: number, gp: number, M: number, work: number, ns: number, th: number, tw: number, Cp: number, Cop: number): void;
  /** See winograd-filter-grad.c: dw [3, 3, C, Co] = G^T M G. */
  wino_filter_grad_out(M: number, dw: number, C: number, Co: number, Cp: number, Cop: number): void;
}

/** TB and PAD in winograd.c: tiles per block, padding of the position stride. */
export const WINO_BLOCK = 16, WINO_PAD = 16;
/** GB in winograd-filter-grad.c: tiles per block of the filter gradient. */
export const WINO_GRAD_BLOCK = 32;

/**
 * Route the kernels that have a SIMD version through it (registerTrainingKernels'
 * simdKernels option sets `enabled`). The forward convolution only from
 * minForwardChannels input channels: with 1-3 (a network's first layer) XNNPACK
 * was 4x faster (fashion-mnist conv1, bench/layer-profile.js --compare-simd).
 * 3x3 filters from minWinogradChannels input channels take Winograd F(4x4, 3x3)
 * (winograd.c) when `winograd` is on (bench/layer-profile.js --compare-winograd),
 * and their filter gradient the Winograd domain (winograd-filter-grad.c) when
 * `winogradFilterGrad` is on too (--compare-winograd-filter-grad).
 */
export const simdRoute = { enabled: true, minForwardChannels: 8, winograd: true, winogradFilterGrad: true, minWinogradChannels: 16 };

/** packages/engine/wasm/kernels.wasm, seen from src/kernels and from dist/kernels alike. */
export const KERNELS_WASM = new URL('../../wasm/kernels.wasm', import.meta.url);

let instance: SimdExports | undefined;

export function simdKernels(): SimdExports {
  instance ??= new WA.Instance(new WA.Module(readFileSync(KERNELS_WASM))).exports as unknown as SimdExports;
  return instance;
}

/**
 * Float32 scratch of `floats` values past the module's static data, growing
 * the memory when needed. Returns the memory (a view made after any growth)
 * and the float index of the first value (16-byte aligned).
 */
export function scratch(k: SimdExports, floats: number): { mem: Float32Array; at: number } {
  const base = (k.__heap_base.value + 15) & ~15;
  const need = base + floats * 4;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  return { mem: new Float32Array(k.memory.buffer), at: base / 4 };
}
