#!/usr/bin/env bash
# Benchmark: `regcred doctor` on a pod with 10 containers and 20 pull secrets, against
# regcred-sandbox on 127.0.0.1 (whole processes, wall time via hyperfine), and the same pod
# offline from files. Usage: Benchmarks/doctor.sh [debug|release]   (default: debug)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-debug}"
command -v hyperfine >/dev/null || { echo "hyperfine is required" >&2; exit 69; }
swift build -c "$mode" --product regcred >/dev/null
swift build -c "$mode" --product regcred-sandbox >/dev/null
bin="$PWD/.build/$mode/regcred"
sandbox_bin="$PWD/.build/$mode/regcred-sandbox"
work="$(mktemp -d)"
sandbox_pid=""
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$sandbox_bin" --kubeconfig "$work/kubeconfig" > "$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.1; done
kube=(--kubeconfig "$work/kubeconfig")
kubectl "${kube[@]}" create namespace bench >/dev/null
printf 's3cret-token' > "$work/password"

# 20 pull secrets, one registry each; the pod lists them all; 10 containers use every other registry.
secrets=""
for i in $(seq 1 20); do
  "$bin" create "pull-$i" --registry "reg-$i.example.com" --username bot --password-file "$work/password" -n bench "${kube[@]}" >/dev/null
  "$bin" create "pull-$i" --registry "reg-$i.example.com" --username bot --password-file "$work/password" --dry-run=client -o yaml > "$work/secret-$i.yaml"
  secrets+="  - name: pull-$i"$'\n'
done
containers=""
for i in $(seq 1 10); do containers+="  - name: c$i"$'\n'"    image: reg-$((i * 2)).example.com/team/app:$i"$'\n'; done
cat > "$work/pod.yaml" <<POD
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  imagePullSecrets:
$secrets  containers:
$containers
POD
kubectl "${kube[@]}" create serviceaccount default -n bench >/dev/null 2>&1 || true
kubectl "${kube[@]}" create --validate=false -n bench -f "$work/pod.yaml" >/dev/null
"$bin" doctor web -n bench "${kube[@]}" | tail -1

files=()
for i in $(seq 1 20); do files+=(-f "$work/secret-$i.yaml"); done
hyperfine --warmup 3 --runs 30 --export-markdown "$work/results.md" \
  -n "doctor POD (10 containers, 20 pull secrets, $mode, sandbox)" "$bin doctor web -n bench --kubeconfig $work/kubeconfig" \
  -n "doctor -f (same pod offline, $mode)" "$bin doctor -f $work/pod.yaml ${files[*]}" \
  -n "baseline: regcred --version" "$bin --version" \
  --output=null
cat "$work/results.md"
