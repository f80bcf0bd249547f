#!/usr/bin/env bash
# The footprint of a regcred binary: its size as built and stripped, and the resident memory of
# `regcred controller` idle (one ClusterPullSecret served to 10 namespaces, then 20 s of nothing)
# against regcred-sandbox. Results: docs/benchmarks.md ("The image and the binary").
#
#   Benchmarks/controller-footprint.sh REGCRED_BINARY [REGCRED_SANDBOX_BINARY]
#
# The sandbox defaults to .build/debug/regcred-sandbox (its speed does not matter here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary=${1:?usage: Benchmarks/controller-footprint.sh REGCRED_BINARY [REGCRED_SANDBOX_BINARY]}
sandbox=${2:-.build/debug/regcred-sandbox}
work=$(mktemp -d)
sandbox_pid=
controller_pid=
cleanup() {
    for pid in $controller_pid $sandbox_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $controller_pid $sandbox_pid; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

strip --strip-all -o "$work/stripped" "$binary"
printf 'binary        %s\n' "$binary"
printf 'size          %s bytes as built, %s bytes stripped\n' "$(stat -c %s "$binary")" "$(stat -c %s "$work/stripped")"
printf 'linked        %s\n' "$(ldd "$binary" | awk '{print $1}' | tr '\n' ' ')"

export KUBECONFIG="$work/kubeconfig"
"$sandbox" --kubeconfig "$KUBECONFIG" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do [[ -s $KUBECONFIG ]] && break; sleep 0.1; done
kubectl create namespace regcred-system >/dev/null
for i in $(seq 10); do kubectl create namespace "team-$i" >/dev/null; done
kubectl -n regcred-system create secret generic ghcr-token --from-literal=username=bot --from-literal=password=token >/dev/null
kubectl apply --validate=false -f - >/dev/null <<'EOF'
apiVersion: regcred.dev/v1alpha1
kind: ClusterPullSecret
metadata: {name: ghcr}
spec:
  registries: [ghcr.io]
  source: {static: {secretRef: {name: ghcr-token}}}
EOF

"$binary" controller --controller-namespace regcred-system \
    --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 2>"$work/controller.log" &
controller_pid=$!
for _ in $(seq 300); do
    ready=$(kubectl get clusterpullsecret ghcr -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    [[ $ready == True ]] && break
    sleep 0.1
done
if [[ $ready != True ]]; then
    echo "the controller did not make ghcr Ready; its log:" >&2
    cat "$work/controller.log" >&2
    exit 1
fi
sleep 20
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$controller_pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$controller_pid/status")
printf 'controller    idle RSS %s KiB (peak %s KiB), 10 namespaces served, 20 s idle\n' "$rss" "$hwm"
# Where the resident set lives: anonymous (heap, stacks) versus file-backed (code and read-only
# data of each mapped file), from /proc/PID/smaps.
awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anonymous]"; next }
    /^Rss:/       { rss[name] += $2 }
    /^Anonymous:/ { anon += $2; anonymous[name] += $2 }
    END {
        for (n in rss) { total += rss[n]; file += rss[n] - anonymous[n] }
        printf "resident      %d KiB: %d KiB anonymous, %d KiB file-backed\n", total, anon, file
        for (n in rss) if (rss[n] >= 256) printf "  %8d KiB  (%d anonymous)  %s\n", rss[n], anonymous[n], n
    }' "/proc/$controller_pid/smaps" | sort -k1,1 -s
