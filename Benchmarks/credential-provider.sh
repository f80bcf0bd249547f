#!/usr/bin/env bash
# Benchmark: `regcred credential-provider` as the kubelet runs it (one process per request, the
# request on stdin), per source with its provider up, with it down (connection refused), and for
# an image regcred does not serve (no provider call). ECR GetAuthorizationToken, the GCE metadata
# server and the GitHub App API from Tests/CredentialSourcesTests/Support/Python/provider_stand_in.py;
# moto_server too, whose ECR tokens expired in 2015 (so that row measures the expired-token error).
# All on 127.0.0.1.
# Usage: Benchmarks/credential-provider.sh   (release build unless BUILD=debug; results in docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
config="${BUILD:-release}"
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
python3 -c 'import moto.server' 2>/dev/null || python3 -m pip install --quiet 'moto[server]'
swift build -c "$config" --product regcred >/dev/null
bin="$PWD/.build/$config/regcred"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

wait_for_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    exit 1
}

moto_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >/dev/null 2>&1 &
pids+=($!)
wait_for_port "$moto_port"

openssl genrsa -out "$work/app-key.pem" 2048 2>/dev/null
openssl rsa -in "$work/app-key.pem" -pubout -out "$work/app-key.pub.pem" 2>/dev/null
mkfifo "$work/stand-in-stdin"
sleep infinity >"$work/stand-in-stdin" &
pids+=($!)
python3 Tests/CredentialSourcesTests/Support/Python/provider_stand_in.py "$work/requests.log" "$work/app-key.pub.pem" \
    <"$work/stand-in-stdin" >"$work/stand-in-port" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/stand-in-port" ]] && break; sleep 0.1; done
stand_in_port="$(head -1 "$work/stand-in-port")"

# A provider that hangs: the kernel completes connections to this socket, nobody ever answers.
hang_port_file="$work/hang-port"
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64); print(s.getsockname()[1], flush=True); time.sleep(3600)' >"$hang_port_file" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$hang_port_file" ]] && break; sleep 0.1; done
hang_port="$(head -1 "$hang_port_file")"

request() {
    printf '{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"%s"}' "$1" >"$work/$2.json"
}
request 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1 ecr
request gcr.io/project/app:v1 other
request europe-docker.pkg.dev/project/repo/app:v1 gcp
request ghcr.io/org/app:v1 ghcr

aws="AWS_ACCESS_KEY_ID=AKIABENCHMARK AWS_SECRET_ACCESS_KEY=benchmark-secret AWS_EC2_METADATA_DISABLED=true"
ecr="$bin credential-provider --source ecr --region us-east-1"
gcp="$bin credential-provider --source gcp --gcp-workload-identity --registry europe-docker.pkg.dev"
ghcr="$bin credential-provider --source github-app --app-id 12345 --installation-id 678 --private-key-file $work/app-key.pem"

# One run of each, printed, so that a broken set-up does not pass as a fast one.
for command in \
    "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:$stand_in_port $ecr <$work/ecr.json" \
    "env GCE_METADATA_HOST=127.0.0.1:$stand_in_port $gcp <$work/gcp.json" \
    "$ghcr --github-api-url http://127.0.0.1:$stand_in_port <$work/ghcr.json"; do
    sh -c "$command" | sed -E 's/"password":"[^"]*"/"password":"…"/'
done

hyperfine --warmup 3 --runs 20 -i \
  -n "ecr up (stand-in)" "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:$stand_in_port $ecr <$work/ecr.json" \
  -n "ecr up (moto, expired token: exit 69)" "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:$moto_port $ecr <$work/ecr.json" \
  -n "ecr down (connection refused)" "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:1 $ecr <$work/ecr.json" \
  -n "ecr, image not served (no call)" "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:1 $ecr <$work/other.json" \
  -n "gcp metadata server up" "env GCE_METADATA_HOST=127.0.0.1:$stand_in_port $gcp <$work/gcp.json" \
  -n "gcp metadata server down" "env GCE_METADATA_HOST=127.0.0.1:1 $gcp <$work/gcp.json" \
  -n "github-app up" "$ghcr --github-api-url http://127.0.0.1:$stand_in_port <$work/ghcr.json" \
  -n "github-app down" "$ghcr --github-api-url http://127.0.0.1:1 <$work/ghcr.json" \
  -n "baseline: regcred --version" "$bin --version" \
  --output=null

# Bounded by --timeout (default 2.5 s); fewer runs, each takes the whole budget.
hyperfine --warmup 1 --runs 3 -i \
  -n "ecr hangs (default --timeout 2.5)" "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:$hang_port $ecr <$work/ecr.json" \
  -n "ecr hangs (--timeout 5)" "env $aws AWS_ENDPOINT_URL=http://127.0.0.1:$hang_port $ecr --timeout 5 <$work/ecr.json" \
  --output=null
