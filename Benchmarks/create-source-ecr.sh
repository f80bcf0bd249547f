#!/usr/bin/env bash
# Benchmark: `regcred create --source ecr` against moto_server on 127.0.0.1 (SigV4 signing, one
# GetAuthorizationToken per region, secret rendered), as whole processes of a release build — the
# pipeline-friendly replacement for `aws ecr get-login-password | kubectl create secret …`.
# Usage: Benchmarks/create-source-ecr.sh          (results are recorded in docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
python3 -c 'import moto.server' 2>/dev/null || python3 -m pip install --quiet 'moto[server]'
swift build -c release --product regcred >/dev/null
bin="$PWD/.build/release/regcred"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
python3 -m moto.server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

export AWS_ACCESS_KEY_ID=AKIABENCHMARK AWS_SECRET_ACCESS_KEY=benchmark-secret AWS_EC2_METADATA_DISABLED=true
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
"$bin" create ecr-pull --source ecr --region us-east-1 --dry-run=client -o yaml | grep -q 'kubernetes.io/dockerconfigjson'

hyperfine --warmup 3 --runs 30 \
  -n "create --source ecr (1 region)" "$bin create ecr-pull --source ecr --region us-east-1 --dry-run=client -o yaml" \
  -n "create --source ecr (3 regions)" "$bin create ecr-pull --source ecr --region us-east-1 --region eu-west-1 --region ap-southeast-2 --dry-run=client -o yaml" \
  -n "baseline: regcred --version" "$bin --version" \
  --output=null
