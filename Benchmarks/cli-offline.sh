#!/usr/bin/env bash
# Benchmark: offline CLI commands on a docker config with N registries (default 1,000), as whole
# processes of a release build. Prints hyperfine's table; results are recorded in docs/benchmarks.md.
# Usage: Benchmarks/cli-offline.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
swift build -c release --product regcred >/dev/null
bin="$PWD/.build/release/regcred"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

registries=()
for i in $(seq 1 "$count"); do registries+=(--registry "registry-$i.example.com:5000"); done
printf 's3cret-token' > "$work/password"
printf 'n3w-token' > "$work/new-password"
"$bin" create bench "${registries[@]}" --username bot --password-file "$work/password" --dry-run=client -o yaml > "$work/secret.yaml"
"$bin" create bench "${registries[@]}" --username bot --password-file "$work/password" -o dockerconfigjson > "$work/config.json"
echo "config: $count registries, $(wc -c < "$work/config.json") bytes; secret manifest $(wc -c < "$work/secret.yaml") bytes"

hyperfine --warmup 3 --runs 30 --export-markdown "$work/results.md" \
  -n "show ($count registries)" "$bin show -f $work/secret.yaml" \
  -n "update ($count registries)" "$bin update -f $work/secret.yaml --password-file $work/new-password" \
  -n "match ($count registries)" "$bin match registry-$count.example.com:5000/team/app:1 -f $work/secret.yaml" \
  -n "create ($count registries)" "$bin create bench ${registries[*]} --username bot --password-file $work/password --dry-run=client -o yaml" \
  -n "baseline: regcred --version" "$bin --version" \
  --output=null
cat "$work/results.md"
