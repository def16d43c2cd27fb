#!/usr/bin/env bash
# Makes the base images locally, for machines that reach no container
# registry (ours): each is labelled with a hash of what it is made from and
# rebuilt only when that changes, so only a machine's first run pays.
#   localhost/tensorpool-debian:bookworm  debootstrap --variant=minbase from the machine's apt mirror
#   docker.io/library/node:20-slim        that + the host's /usr/bin/node, npm and corepack, user node (1000),
#                                         and the host's CA bundle (NODE_EXTRA_CA_CERTS): outbound TLS here is
#                                         re-signed by a CA only the host trusts. Test base only: infra/Dockerfile
#                                         itself adds no CA.
#   docker.io/library/redis:7-alpine      that + Debian's redis-server (7.0), WORKDIR /data
# The names are the ones infra/Dockerfile and docker-compose.yml expect; build with --pull=never.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

debian_base() {
  local mirror hash rootfs
  mirror=$(apt_mirror)
  hash=$( { sed -n '/^debian_base()/,/^}/p' "$0"; echo "$mirror"; } | sha)
  [ "$(image_hash "$TP_DEBIAN_IMAGE")" = "$hash" ] && { echo "$hash"; return; }
  log "debootstrap minbase bookworm from $mirror"
  rootfs=$(mktemp -d /var/tmp/tp-rootfs.XXXXXX)
  nice debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >&2
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change "LABEL tensorpool.hash=$hash" - "$TP_DEBIAN_IMAGE" >&2
  rm -rf "$rootfs"
  echo "$hash"
}

node_image() {
  local base=$1 ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt} ctx hash npmdir
  npmdir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")   # .../node_modules/npm
  hash=$( { echo "$base"; sed -n '/^node_image()/,/^}/p' "$0"; sha256sum /usr/bin/node "$ca"; cat "$npmdir/package.json"; } | sha)
  [ "$(image_hash "$TP_NODE_IMAGE")" = "$hash" ] && return
  log "node image from $(/usr/bin/node --version) at /usr/bin/node"
  ctx=$(mktemp -d /var/tmp/tp-node.XXXXXX)
  cp /usr/bin/node "$ctx/node"
  cp -a "$npmdir" "$ctx/npm"
  [ -d "$(dirname "$npmdir")/corepack" ] && cp -a "$(dirname "$npmdir")/corepack" "$ctx/corepack" || mkdir "$ctx/corepack"
  cp "$ca" "$ctx/ca.crt"
  cat > "$ctx/Containerfile" <<EOF2
FROM $TP_DEBIAN_IMAGE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY corepack /usr/local/lib/node_modules/corepack
COPY ca.crt /usr/local/share/ca-certificates/host-ca-bundle.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-ca-bundle.crt
LABEL tensorpool.hash=$hash
CMD ["node"]
EOF2
  nice podman build --pull=never -q -t "$TP_NODE_IMAGE" "$ctx" >&2
  rm -rf "$ctx"
}

redis_image() {
  local base=$1 ctx hash
  hash=$( { echo "$base"; sed -n '/^redis_image()/,/^}/p' "$0"; } | sha)
  [ "$(image_hash "$TP_REDIS_IMAGE")" = "$hash" ] && return
  log "redis image from Debian's redis-server"
  ctx=$(mktemp -d /var/tmp/tp-redis.XXXXXX)
  cat > "$ctx/Containerfile" <<EOF2
FROM $TP_DEBIAN_IMAGE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data
WORKDIR /data
EXPOSE 6379
LABEL tensorpool.hash=$hash
CMD ["redis-server", "--protected-mode", "no"]
EOF2
  nice podman build --pull=never -q -t "$TP_REDIS_IMAGE" "$ctx" >&2
  rm -rf "$ctx"
}

base=$(debian_base)
node_image "$base"
redis_image "$base"
log "base images ready: $TP_DEBIAN_IMAGE $TP_NODE_IMAGE $TP_REDIS_IMAGE"
