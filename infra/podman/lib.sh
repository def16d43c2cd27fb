# Shared by the podman scripts (sourced, not run). Rootful podman with this
# directory's containers.conf; never edits /etc.
# shellcheck shell=bash
TP_PODMAN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TP_ROOT="$(cd "$TP_PODMAN_DIR/../.." && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$TP_PODMAN_DIR/containers.conf}"

# Image names: the Dockerfile's base, the compose file's Redis, our build.
TP_DEBIAN_IMAGE=localhost/tensorpool-debian:bookworm
TP_NODE_IMAGE=docker.io/library/node:20-slim
TP_REDIS_IMAGE=docker.io/library/redis:7-alpine
TP_IMAGE=localhost/tensorpool:latest

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The first Debian mirror in the machine's apt sources (deb822 or one-line format).
apt_mirror() {
  local m=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    m=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

sha() { sha256sum | cut -c1-16; }

# The content-hash label of a local image, empty when the image is absent.
image_hash() { podman image inspect --format '{{ index .Labels "tensorpool.hash" }}' "$1" 2>/dev/null || true; }
