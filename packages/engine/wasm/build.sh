#!/bin/sh
# Rebuilds packages/engine/wasm/kernels.wasm from the C sources here with
# Debian's clang + lld (apt-get install clang lld). The .wasm is committed, so
# a fresh clone needs no compiler; kernels-wasm-reproducible.test.ts checks
# that rebuilding gives the same bytes.
#   sh packages/engine/wasm/build.sh [OUT]   (default: kernels.wasm beside this script)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/kernels.wasm}
cd "$here"
# Relative source paths and no debug info keep the bytes independent of where the repo lives.
clang --target=wasm32 -O3 -msimd128 -ffreestanding -nostdlib -fno-builtin \
  -Wl,--no-entry -Wl,--export=__heap_base -Wl,--strip-all -Wl,-z,stack-size=65536 \
  -o "$out" conv-filter-grad.c conv-forward.c max-pool-grad.c winograd.c winograd-filter-grad.c
