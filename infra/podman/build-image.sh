#!/usr/bin/env bash
# Builds infra/Dockerfile with podman as localhost/tensorpool:latest, unless an
# image of the same content hash is already here: the hash covers the base
# image and every file of the build context the Dockerfile copies (git's
# tracked and untracked-but-not-ignored files, node_modules and dist never), so
# a second run on an unchanged tree reuses the image. Prints its tag on stdout.
#   infra/podman/build-image.sh [--force]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$TP_ROOT"

# What infra/Dockerfile COPYs (keep in step with it): edits elsewhere (README,
# tests, infra/k8s) do not rebuild the image.
context_files() {
  local paths=(packages services package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json
    test/package.json bench/package.json infra/Dockerfile infra/Dockerfile.dockerignore)
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard -z -- "${paths[@]}"
  else
    find "${paths[@]}" -type f -not -path '*/node_modules/*' -not -path '*/dist/*' -print0
  fi
}

base_id=$(podman image inspect --format '{{.Id}}' "$TP_NODE_IMAGE" 2>/dev/null) \
  || { log "no $TP_NODE_IMAGE here: run infra/podman/base-images.sh first"; exit 1; }
hash=$( { echo "$base_id"; context_files | LC_ALL=C sort -z | xargs -0 -r sha256sum 2>/dev/null; } | sha)
tag="localhost/tensorpool:ctx-$hash"

if [ "${1:-}" != "--force" ] && podman image exists "$tag"; then
  log "image $tag is up to date"
else
  log "building $tag from infra/Dockerfile"
  start=$(date +%s)
  nice podman build --pull=never --format docker --ignorefile infra/Dockerfile.dockerignore \
    --label "tensorpool.hash=$hash" -f infra/Dockerfile -t "$tag" . >&2
  log "built $tag in $(( $(date +%s) - start )) s"
fi
podman tag "$tag" "$TP_IMAGE"
# Keep the three newest content tags; older ones (and their layers, once
# untagged) would pile up on a CI machine.
podman images --format '{{.CreatedAt}}\t{{.Repository}}:{{.Tag}}' localhost/tensorpool | grep ':ctx-' | sort -r | tail -n +4 | cut -f2 \
  | xargs -r podman rmi >/dev/null 2>&1 || true
echo "$tag"
