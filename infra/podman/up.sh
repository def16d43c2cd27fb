#!/usr/bin/env bash
# The docker-compose.yml stack with plain podman, for machines without Docker
# (podman-compose 1.0.3 ignores --scale, `${VAR:-default}` in environment and
# health conditions). Run it again with another --workers N to scale: missing
# workers are started, extra ones get SIGTERM and finish their shard first.
#
#   infra/podman/up.sh [--workers N] [options]     bring up / scale the stack
#   infra/podman/up.sh --down [--project P]        remove its containers and network (keeps volumes)
#
# Options:
#   --project P      name prefix of containers, network and volume (default tensorpool)
#   --workers N      worker containers (default 1);  --threads T  trainer threads each (default 2)
#   --datasets DIR   host directory mounted read-only at /datasets (default ./datasets)
#   --models DIR     host directory for final models, chowned to the image's uid 1000 (default ./models)
#   --port P         host port of the API (default 8080; 0 = a free one on 127.0.0.1)
#   --env K=V        extra environment for the tensorpool containers (repeatable)
#   --image I        image to run (default: build infra/Dockerfile, cached by content hash)
#   --restart R      restart policy of the containers (default unless-stopped, as compose)
#   --redis-port P   also publish Redis on 127.0.0.1:P (0 = a free port; default not published)
# The API token is $TENSORPOOL_API_TOKEN, else the one in .tensorpool/<project>-api-token,
# else a new random one written there (mode 600); its path is printed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

project=tensorpool workers=1 threads=2 datasets=./datasets models=./models port=8080 image="" down=0
restart=unless-stopped redis_port=""
extra_env=()
while [ $# -gt 0 ]; do
  case "$1" in
    --project) project=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --datasets) datasets=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --env) extra_env+=(--env "$2"); shift 2 ;;
    --image) image=$2; shift 2 ;;
    --restart) restart=$2; shift 2 ;;
    --redis-port) redis_port=$2; shift 2 ;;
    --down) down=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "up.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$workers" =~ ^[0-9]+$ && "$threads" =~ ^[1-9][0-9]*$ && "$port" =~ ^[0-9]+$ && "$project" =~ ^[a-z0-9][a-z0-9_.-]*$ ]] \
  || { echo "up.sh: --workers/--threads/--port must be numbers, --project [a-z0-9_.-]" >&2; exit 2; }

net=$project redis=$project-redis
worker_name() { echo "$project-worker-$1"; }
running_workers() { podman ps -a --filter "label=tensorpool.project=$project" --filter label=tensorpool.role=worker --format '{{.Names}}' | sort -V; }

if [ "$down" = 1 ]; then
  # Workers first (SIGTERM: each finishes its shard, which needs Redis), Redis last.
  for role in worker coordinator api redis; do
    mapfile -t names < <(podman ps -a --filter "label=tensorpool.project=$project" --filter "label=tensorpool.role=$role" --format '{{.Names}}')
    [ ${#names[@]} -gt 0 ] || continue
    podman stop -t 900 "${names[@]}" >/dev/null
    podman rm -f "${names[@]}" >/dev/null
  done
  podman network exists "$net" && podman network rm "$net" >/dev/null
  log "$project: down (volumes $project-redis-data and the *-cache dataset caches kept)"
  exit 0
fi

# Images: the registry's if it answers, else made here.
if ! podman image exists "$TP_NODE_IMAGE" || ! podman image exists "$TP_REDIS_IMAGE"; then
  podman pull -q "$TP_NODE_IMAGE" "$TP_REDIS_IMAGE" >/dev/null 2>&1 || bash "$TP_PODMAN_DIR/base-images.sh"
fi
[ -n "$image" ] || image=$(bash "$TP_PODMAN_DIR/build-image.sh")

token_file=$TP_ROOT/.tensorpool/$project-api-token
if [ -z "${TENSORPOOL_API_TOKEN:-}" ]; then
  if [ ! -s "$token_file" ]; then
    mkdir -p "$(dirname "$token_file")"
    (umask 077; node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > "$token_file")
  fi
  TENSORPOOL_API_TOKEN=$(cat "$token_file")
fi

mkdir -p "$models"
datasets=$(cd "$datasets" && pwd) models=$(cd "$models" && pwd)
common=(--network "$net" --label "tensorpool.project=$project" --read-only --restart "$restart"
  --env REDIS_URL=redis://redis:6379 --env TENSORPOOL_PREFIX="${TENSORPOOL_PREFIX:-tensorpool}"
  --env FASHION_MNIST_DIR=/datasets/fashion-mnist --env TENSORPOOL_DATA_ROOT=/datasets
  --volume "$datasets:/datasets:ro" "${extra_env[@]}")

wait_healthy() {  # podman here runs no health timers (no systemd): run the check until it passes
  for _ in $(seq 1 90); do
    podman healthcheck run "$1" >/dev/null 2>&1 && return 0
    sleep 1
  done
  log "$1 is not healthy after 90 s; its log:"; podman logs --tail 30 "$1" >&2; return 1
}

podman network exists "$net" || podman network create "$net" >/dev/null
if ! podman container exists "$redis"; then
  podman run -d --name "$redis" --network "$net" --network-alias redis --label "tensorpool.project=$project" \
    --label tensorpool.role=redis --restart "$restart" ${redis_port:+--publish "127.0.0.1:${redis_port/#0/}:6379"} --volume "$project-redis-data:/data" \
    --health-cmd 'redis-cli ping' --health-interval 5s \
    "$TP_REDIS_IMAGE" redis-server --appendonly yes --appendfsync everysec --maxmemory 6gb --maxmemory-policy noeviction --protected-mode no >/dev/null
fi
wait_healthy "$redis"

if ! podman container exists "$project-coordinator"; then
  podman run -d --name "$project-coordinator" --hostname "$project-coordinator" --label tensorpool.role=coordinator \
    "${common[@]}" --volume "$models:/models:U" --volume "$project-coordinator-cache:/cache:U" --stop-timeout 120 "$image" coordinator --models-dir /models >/dev/null
fi
if ! podman container exists "$project-api"; then
  if [ "$port" = 0 ]; then publish=127.0.0.1::8080; else publish=$port:8080; fi
  podman run -d --name "$project-api" --hostname "$project-api" --label tensorpool.role=api "${common[@]}" \
    --env TENSORPOOL_API_TOKEN="$TENSORPOOL_API_TOKEN" --publish "$publish" "$image" serve --port 8080 >/dev/null
fi

# Scale: start workers 1..N that are missing, SIGTERM those above N (each finishes its shard).
for i in $(seq 1 "$workers"); do
  w=$(worker_name "$i")
  podman container exists "$w" && continue
  # Its dataset cache (store datasets fetched by id) in a volume named after it: kept when it is recreated.
  podman run -d --name "$w" --hostname "$w" --label tensorpool.role=worker "${common[@]}" --volume "$w-cache:/cache:U" --stop-timeout 900 \
    "$image" worker --threads "$threads" --id "$w" >/dev/null
done
for w in $(running_workers); do
  [ "${w##*-}" -gt "$workers" ] && { log "stopping $w (SIGTERM: it finishes its shard)"; podman stop -t 900 "$w" >/dev/null; podman rm "$w" >/dev/null; }
done
for c in "$project-coordinator" "$project-api" $(running_workers); do wait_healthy "$c"; done

url=http://$(podman port "$project-api" 8080/tcp | head -1 | sed 's/^0.0.0.0/127.0.0.1/')
log "$project: redis, coordinator, api, $workers worker(s) healthy; API $url"
[ -s "$token_file" ] && log "API token in $token_file"
echo "$url"
