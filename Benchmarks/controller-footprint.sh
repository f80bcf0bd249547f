#!/usr/bin/env bash
# The footprint of a regcred binary as it ships: its size as built and stripped, and the resident
# memory of `regcred controller` (its own process, default flags) serving one ClusterPullSecret to
# N namespaces of regcred-sandbox: peak and current RSS once converged, after 20 s idle, and after
# each forced relist (SIGUSR1 to the sandbox: an API server restart after an etcd compaction), with
# where the resident set lives (anonymous versus file-backed, per mapping, from /proc/PID/smaps).
# Results: docs/benchmarks.md ("The image and the binary", "Where the resident set lives").
#
#   Benchmarks/controller-footprint.sh REGCRED_BINARY [REGCRED_SANDBOX_BINARY]
#   NAMESPACES=1000 RELISTS=3 Benchmarks/controller-footprint.sh .build-image/rootfs/usr/local/bin/regcred
#
# The sandbox defaults to .build/debug/regcred-sandbox (its speed does not matter here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary=${1:?usage: Benchmarks/controller-footprint.sh REGCRED_BINARY [REGCRED_SANDBOX_BINARY]}
sandbox=${2:-.build/debug/regcred-sandbox}
namespaces=${NAMESPACES:-10}
relists=${RELISTS:-0}
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
# The namespaces in one kubectl call (one create each), labelled as the ClusterPullSecret selects.
python3 - "$namespaces" >"$work/namespaces.json" <<'PY'
import json, sys
items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"team-{i}", "labels": {"footprint": "selected"}}}
         for i in range(int(sys.argv[1]))]
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
kubectl create --validate=false -f "$work/namespaces.json" >/dev/null
kubectl -n regcred-system create secret generic ghcr-token --from-literal=username=bot --from-literal=password=token >/dev/null
kubectl apply --validate=false -f - >/dev/null <<'YAML'
apiVersion: regcred.dev/v1alpha1
kind: ClusterPullSecret
metadata: {name: ghcr}
spec:
  registries: [ghcr.io]
  namespaces: {selector: {matchLabels: {footprint: selected}}}
  source: {static: {secretRef: {name: ghcr-token}}}
YAML

"$binary" controller --controller-namespace regcred-system \
    --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 2>"$work/controller.log" &
controller_pid=$!
served() { kubectl get secrets -A -l app.kubernetes.io/managed-by=regcred --no-headers 2>/dev/null | wc -l; }
for _ in $(seq 3000); do
    [[ $(served) -ge $namespaces ]] && break
    sleep 0.2
done
if [[ $(served) -lt $namespaces ]]; then
    echo "the controller did not serve $namespaces namespaces; its log:" >&2
    tail -20 "$work/controller.log" >&2
    exit 1
fi
memory() {
    printf '%-40s RSS %s KiB, peak %s KiB\n' "$1" \
        "$(awk '/^VmRSS/ {print $2}' "/proc/$controller_pid/status")" "$(awk '/^VmHWM/ {print $2}' "/proc/$controller_pid/status")"
}
memory "controller, $namespaces namespaces served"
sleep 20
memory "controller, then 20 s idle"
for i in $(seq "$relists"); do
    # A write first, as a live cluster always has one: informers whose last bookmark is older than
    # the compaction relist (one already at the newest version could resume, as on a real server).
    kubectl create namespace "relist-$i" >/dev/null
    kill -USR1 "$sandbox_pid"
    sleep 15
    memory "controller, after forced relist $i ($(grep -c 'informer relisting' "$work/controller.log") relists logged)"
done
# Where the resident set lives: anonymous (heap, stacks, relocated data) versus file-backed (code
# and read-only data of each mapped file).
awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anonymous]"; next }
    /^Rss:/       { rss[name] += $2 }
    /^Anonymous:/ { anon += $2; anonymous[name] += $2 }
    END {
        for (n in rss) { total += rss[n]; file += rss[n] - anonymous[n] }
        printf "resident      %d KiB: %d KiB anonymous, %d KiB file-backed\n", total, anon, file
        for (n in rss) if (rss[n] >= 256) printf "  %8d KiB  (%d anonymous)  %s\n", rss[n], anonymous[n], n
    }' "/proc/$controller_pid/smaps"
