#!/usr/bin/env bash
# Benchmark: the Kubernetes client, KubeSandbox and the controller on loopback (issues 3 and 4),
# through the regcred-bench executable. Each run is bounded; results go to docs/benchmarks.md.
# Usage: Benchmarks/regcred-bench.sh [IDLE_SECONDS]   (the issue asks 300; default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
idle="${1:-60}"
swift build -c release --product regcred-bench >/dev/null
bench="$PWD/.build/release/regcred-bench"
echo "nproc: $(nproc); memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
"$bench" client
"$bench" sandbox-memory --namespaces 10000
"$bench" controller --namespaces 1000 --idle-seconds 30 --new-namespaces 100
"$bench" controller --namespaces 10000 --idle-seconds "$idle" --new-namespaces 100
for q in 200 50; do
  "$bench" controller --namespaces 1000 --qps "$q" --idle-seconds 0 --new-namespaces 0 --skip-rotation
done
