#!/usr/bin/env bash
# Validates deploy/ (plain manifests) and charts/regcred (Helm chart) without a cluster.
#
#   Tests/DeployTests/deploy-check.sh          from anywhere; prints one line per check and,
#                                              last, "N passed, N failed"; exits 1 on any failure
#
# Checks:
# - every YAML document in deploy/ and in each rendering of the chart parses (PyYAML) and is an
#   object with apiVersion, kind and metadata.name;
# - charts/regcred/crds/ is a byte-identical copy of deploy/crds/;
# - every Deployment container runs as non-root uid 65532 with a read-only root filesystem,
#   no privilege escalation, all capabilities dropped and seccomp RuntimeDefault; has probes on
#   /healthz and /readyz, CPU/memory requests and a memory limit, flags that match its ports,
#   --leader-elect whenever replicas > 1;
# - RBAC grants no "*" (verbs, resources, apiGroups, resourceNames) and no escalate/bind/
#   impersonate/deletecollection, and exactly the permissions of the table in
#   manifest_checks.py (a new permission must be added there deliberately); every rule has a comment;
# - the image the manifests deploy is the one scripts/image builds (scripts/image --print-reference);
# - the pod admission webhook (deploy/regcred-webhook.yaml, chart webhook.enabled): the
#   MutatingWebhookConfiguration fails open and fast, for pods CREATE only, never in kube-system,
#   the release namespace or an opted-out namespace, reaches the container's webhook port through
#   its Service; its RBAC (self-managed certificate) names the configuration and the Secret; with
#   webhook.certManager.enabled, a Certificate, an Issuer, the inject-ca-from annotation and the
#   mounted Secret instead, and no such RBAC;
# - helm lint, and `helm template` over a matrix of values: the chart rendered as release
#   "regcred" in regcred-system equals deploy/regcred.yaml and deploy/monitoring/ (but for Helm's
#   own labels), and its values do what they say (managedSecretNames, replicas, leader election,
#   extra args, scheduling, a custom image, names per release, refusing unsafe settings);
# - values.schema.json: values of the wrong type or shape fail at `helm template` time;
# - the alerts: promtool check rules, and promtool test rules (alerts-test.yaml: they fire when
#   they should and only then), where promtool is installed (Debian package "prometheus");
#   skipped otherwise;
# - kubectl apply --dry-run=client, where kubectl can do it without a server (it cannot: it
#   needs the server's discovery; then skipped, with the reason), and kubectl kustomize (offline).
#
# The checks on parsed documents live in manifest_checks.py (next to this script). Rendering is
# real Helm: `helm` from PATH, else the one scripts/install-helm puts in a cache folder (from
# PyPI; Debian ships no helm package).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL - $1"
    if [[ -n ${2:-} ]]; then printf '       %s\n' "${2//$'\n'/$'\n'       }"; fi
}
skip() { skipped=$((skipped + 1)); echo "skip - $1: $2"; }
# check DESCRIPTION COMMAND…: passes when COMMAND exits 0; shows its output when it fails.
check() {
    local description=$1 out
    shift
    if out=$("$@" 2>&1); then pass "$description"; else fail "$description" "$out"; fi
}
# check_fails DESCRIPTION PATTERN COMMAND…: passes when COMMAND fails with PATTERN in its output.
check_fails() {
    local description=$1 pattern=$2 out
    shift 2
    if out=$("$@" 2>&1); then
        fail "$description" "succeeded, but should have failed"
    elif grep -q -- "$pattern" <<<"$out"; then
        pass "$description"
    else
        fail "$description" "failed without '$pattern':"$'\n'"$out"
    fi
}
finish() {
    if ((skipped > 0)); then echo "($skipped skipped, reasons above)"; fi
    echo "$passed passed, $failed failed"
    if ((failed > 0)); then exit 1; fi
    exit 0
}

# The interpreter itself, not a version manager's shim that would start on every check.
python=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [[ -z $python ]] || ! "$python" -c 'import yaml' 2>/dev/null; then
    fail "python3 with PyYAML is available" "install it: apt-get install python3-yaml, or pip install pyyaml"
    finish
fi

py() { "$python" "$here/manifest_checks.py" "$@"; }

# promtool_checks LABEL MANIFEST [unit-test]: check (and unit-test) the PrometheusRule in MANIFEST.
promtool_checks() {
    local label=$1 manifest=$2 unit=${3:-} dir
    if [[ -z $promtool ]]; then
        skip "$label: promtool check rules" "$promtool_reason"
        return
    fi
    dir=$(mktemp -d "$work/rules.XXXXXX")
    if ! out=$(py extract-rules "$manifest" "$dir/rules.yaml" 2>&1); then
        fail "$label: the PrometheusRule can be read" "$out"
        return
    fi
    check "$label: promtool check rules" promtool check rules "$dir/rules.yaml"
    if [[ -n $unit ]]; then
        cp "$here/alerts-test.yaml" "$dir/rules-test.yaml"
        check "$label: promtool test rules (alerts fire when they should, and only then)" \
            promtool test rules "$dir/rules-test.yaml"
    fi
}

if command -v promtool >/dev/null 2>&1; then
    promtool=promtool
    promtool_reason=
else
    promtool=
    promtool_reason="promtool is not installed (apt-get install prometheus)"
fi

# =============================================================================================
echo "# Plain manifests (deploy/)"
# =============================================================================================
mapfile -t manifests < <(find deploy -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
if ((${#manifests[@]} == 0)); then fail "deploy/ has manifests" "none found"; fi
for file in "${manifests[@]}"; do
    check "$file: every document parses and has apiVersion, kind, metadata.name" py parse "$file"
done
check "deploy/regcred.yaml: the objects and figures the deployment issue asks for" py spec deploy/regcred.yaml
image_reference=$("$root/scripts/image" --print-reference)
check "deploy/regcred.yaml: deploys the image scripts/image builds ($image_reference)" py image deploy/regcred.yaml "$image_reference"
check "deploy/regcred.yaml: security context, probes, resources, ports and wiring" py workload deploy/regcred.yaml
check "deploy/regcred.yaml: RBAC has no wildcards and exactly the expected permissions" py rbac deploy/regcred.yaml
check "deploy/regcred.yaml: every RBAC rule has a comment saying what it is for" py rule-comments deploy/regcred.yaml
webhook_names='{"configuration": "regcred", "secret": "regcred-webhook-tls"}'
webhook_self_managed='{"mode": "self-managed", "namespace": "regcred-system", "service": "regcred-webhook", "configuration": "regcred", "secret": "regcred-webhook-tls"}'
check "deploy/regcred-webhook.yaml: deploys the image scripts/image builds ($image_reference)" py image deploy/regcred-webhook.yaml "$image_reference"
check "deploy/regcred-webhook.yaml: security context, probes, resources, ports and wiring" py workload deploy/regcred-webhook.yaml
check "deploy/regcred-webhook.yaml: the webhook fails open and fast, pods CREATE only, exclusions, Service wiring, self-managed certificate" \
    py webhook deploy/regcred-webhook.yaml "$webhook_self_managed"
check "deploy/regcred-webhook.yaml: RBAC adds exactly the webhook configuration and certificate Secret, by name" \
    py rbac deploy/regcred-webhook.yaml '["regcred-ghcr"]' regcred-system "$webhook_names"
check "deploy/regcred-webhook.yaml: every RBAC rule has a comment saying what it is for" py rule-comments deploy/regcred-webhook.yaml
check "deploy/monitoring: the three alerts, with severity, summary, description, runbook" \
    py alerts deploy/monitoring/regcred-monitoring.yaml
promtool_checks "deploy/monitoring" deploy/monitoring/regcred-monitoring.yaml unit

if command -v kubectl >/dev/null 2>&1; then
    # A kubeconfig of our own: never talk to whatever cluster the caller's kubeconfig points at.
    cat >"$work/kubeconfig" <<'KCEOF'
apiVersion: v1
kind: Config
clusters: [{name: offline, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: offline, user: {token: offline}}]
contexts: [{name: offline, context: {cluster: offline, user: offline}}]
current-context: offline
KCEOF
    if out=$(KUBECONFIG="$work/kubeconfig" timeout 60 kubectl apply --dry-run=client --validate=false \
        -f deploy/crds -f deploy/regcred.yaml </dev/null 2>&1); then
        pass "kubectl apply --dry-run=client -f deploy/crds -f deploy/regcred.yaml"
    elif grep -q -e 'connection refused' -e 'unable to recognize' -e 'dial tcp' <<<"$out"; then
        skip "kubectl apply --dry-run=client" "kubectl needs an API server even for a client-side dry run (discovery: $(tail -n1 <<<"$out" | cut -c1-160))"
    else
        fail "kubectl apply --dry-run=client -f deploy/crds -f deploy/regcred.yaml" "$out"
    fi
    mkdir -p "$work/kustomize"
    cp deploy/crds/*.yaml deploy/regcred.yaml deploy/monitoring/*.yaml "$work/kustomize/"
    (
        cd "$work/kustomize"
        echo "resources:"
        for f in *.yaml; do echo "- $f"; done
    ) >"$work/kustomization.tmp"
    mv "$work/kustomization.tmp" "$work/kustomize/kustomization.yaml"
    check "kubectl kustomize (offline) reads every manifest as a Kubernetes object, no duplicates" \
        kubectl kustomize "$work/kustomize"
else
    skip "kubectl apply --dry-run=client" "kubectl is not installed"
fi

# =============================================================================================
echo "# Helm chart (charts/regcred)"
# =============================================================================================
# shellcheck disable=SC2317  # called through check
crd_copies_match() {
    local status=0 f
    for f in deploy/crds/*; do
        if ! cmp "$f" "charts/regcred/crds/$(basename "$f")"; then status=1; fi
    done
    for f in charts/regcred/crds/*; do
        if [[ ! -e deploy/crds/$(basename "$f") ]]; then
            echo "$f has no original in deploy/crds/"
            status=1
        fi
    done
    return "$status"
}
check "charts/regcred/crds/ is a byte-identical copy of deploy/crds/ (cp deploy/crds/* charts/regcred/crds/)" \
    crd_copies_match
check "Chart.yaml and values.yaml parse" py parse-plain charts/regcred/Chart.yaml charts/regcred/values.yaml
check "Chart.yaml (apiVersion v2, SemVer, appVersion) and the documented values exist" \
    py chart-meta charts/regcred/Chart.yaml charts/regcred/values.yaml
check "chart templates: every RBAC rule has a comment saying what it is for" \
    py rule-comments charts/regcred/templates/clusterrole.yaml charts/regcred/templates/role.yaml

# Real Helm: from PATH, else the pinned one scripts/install-helm keeps in a cache folder.
renderer=
if ! command -v helm >/dev/null 2>&1; then
    if helm_dir=$("$root/scripts/install-helm" </dev/null); then
        PATH="$helm_dir:$PATH"
    else
        fail "helm is available" "helm is not on PATH and scripts/install-helm could not install it (output above)"
    fi
fi
if command -v helm >/dev/null 2>&1; then
    renderer=helm
    echo "# rendering with helm $(helm version --short 2>/dev/null)"
    check "helm lint" helm lint --strict charts/regcred
    check "helm lint (monitoring on, managedSecretNames set)" helm lint --strict charts/regcred \
        --set metrics.serviceMonitor.enabled=true,prometheusRule.enabled=true,managedSecretNames[0]=regcred-ghcr
    check "helm lint (one replica without leader election, custom image)" helm lint --strict charts/regcred \
        --set replicaCount=1,leaderElection.enabled=false,image.repository=registry.example.com/team/regcred,image.tag=1.2.3
    check "helm lint (webhook, self-managed certificate)" helm lint --strict charts/regcred --set webhook.enabled=true
    check "helm lint (webhook, cert-manager)" helm lint --strict charts/regcred --set webhook.enabled=true,webhook.certManager.enabled=true
fi

# render NAME RELEASE NAMESPACE OVERRIDES_JSON: renders the chart to $work/render-NAME.yaml.
render() {
    local name=$1 release=$2 namespace=$3 overrides=$4 out="$work/render-$1.yaml"
    printf '%s\n' "$overrides" >"$work/values-$name.json"
    helm template "$release" charts/regcred --namespace "$namespace" --kube-version 1.30.0 \
        -f "$work/values-$name.json" >"$out"
}

# rendered NAME RELEASE NAMESPACE OVERRIDES_JSON: renders, checks that it worked and parses.
rendered() {
    local name=$1 out
    if out=$(render "$@" 2>&1); then
        check "render [$name]: every document parses and has apiVersion, kind, metadata.name" \
            py parse "$work/render-$name.yaml"
    else
        fail "render [$name]" "$out"
        return 1
    fi
}

if [[ -n $renderer ]]; then
    monitoring_on='"metrics": {"serviceMonitor": {"enabled": true}}, "prometheusRule": {"enabled": true}'
    core_kinds="Namespace,ServiceAccount,ClusterRole,ClusterRoleBinding,Role,RoleBinding,Deployment,PodDisruptionBudget,Service"

    if rendered default regcred regcred-system '{}'; then
        f="$work/render-default.yaml"
        check "render [default]: deploys the image scripts/image builds ($image_reference)" py image "$f" "$image_reference"
        check "render [default]: security context, probes, resources, ports and wiring" py workload "$f"
        check "render [default]: RBAC has no wildcards and exactly the expected permissions" py rbac "$f"
        check "render [default]: equals deploy/regcred.yaml but for Helm's labels and the Namespace" \
            py same deploy/regcred.yaml "$f" Namespace
        check "render [default]: no ServiceMonitor or PrometheusRule unless enabled" \
            py expect "$f" '{"kinds": {"ServiceMonitor": 0, "PrometheusRule": 0}}'
        check "render [default]: no webhook objects unless enabled" \
            py expect "$f" '{"kinds": {"MutatingWebhookConfiguration": 0, "Certificate": 0, "Issuer": 0, "Service": 1}, "args_lacks": "--webhook-bind-address"}'
    fi

    if rendered webhook regcred regcred-system '{"webhook": {"enabled": true}}'; then
        f="$work/render-webhook.yaml"
        check "render [webhook]: equals deploy/regcred-webhook.yaml but for Helm's labels and the Namespace" \
            py same deploy/regcred-webhook.yaml "$f" Namespace
        check "render [webhook]: the webhook fails open and fast, pods CREATE only, exclusions, Service wiring, self-managed certificate" \
            py webhook "$f" "$webhook_self_managed"
        check "render [webhook]: RBAC adds exactly the webhook configuration and certificate Secret, by name" \
            py rbac "$f" '["regcred-ghcr"]' regcred-system "$webhook_names"
        check "render [webhook]: security context, probes, resources, ports and wiring" py workload "$f"
    fi

    if rendered webhook-cert-manager regcred regcred-system '{"webhook": {"enabled": true, "certManager": {"enabled": true}}}'; then
        f="$work/render-webhook-cert-manager.yaml"
        check "render [webhook-cert-manager]: Certificate, self-signed Issuer, inject-ca-from, the Secret mounted at --webhook-cert-dir" \
            py webhook "$f" '{"mode": "cert-manager", "namespace": "regcred-system", "service": "regcred-webhook", "configuration": "regcred", "secret": "regcred-webhook-tls", "issuer": "regcred-webhook"}'
        check "render [webhook-cert-manager]: no RBAC for the configuration or the Secret (cert-manager keeps them)" py rbac "$f"
        check "render [webhook-cert-manager]: security context, probes, resources, ports and wiring" py workload "$f"
    fi

    if rendered webhook-issuer prod ops '{"webhook": {"enabled": true, "port": 10250, "optOutLabel": "example.com/regcred", "certManager": {"enabled": true, "issuerRef": {"name": "company-ca", "kind": "ClusterIssuer"}}}}'; then
        f="$work/render-webhook-issuer.yaml"
        check "render [webhook-issuer]: objects named after the release; an existing ClusterIssuer, no Issuer of ours; port 10250" py expect "$f" '{
            "names": [["Service", "prod-regcred-webhook", "ops"], ["MutatingWebhookConfiguration", "prod-regcred", null],
                      ["Certificate", "prod-regcred-webhook", "ops"]],
            "kinds": {"Issuer": 0}, "args_has": ":10250"}'
        check "render [webhook-issuer]: the Certificate uses the ClusterIssuer given" \
            grep -q 'kind: ClusterIssuer' "$f"
        check "render [webhook-issuer]: the namespaceSelector uses the opt-out label given and excludes ops" \
            "$python" -c 'import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "MutatingWebhookConfiguration"]
exprs = docs[0]["webhooks"][0]["namespaceSelector"]["matchExpressions"]
assert {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system", "ops"]} in exprs, exprs
assert {"key": "example.com/regcred", "operator": "NotIn", "values": ["false"]} in exprs, exprs' "$f"
        check "render [webhook-issuer]: security context, probes, resources, ports and wiring" py workload "$f"
    fi
    if rendered webhook-other-release prod ops '{"webhook": {"enabled": true}}'; then
        check "render [webhook-other-release]: RBAC names the release's webhook configuration and Secret" \
            py rbac "$work/render-webhook-other-release.yaml" '["regcred-ghcr"]' ops '{"configuration": "prod-regcred", "secret": "prod-regcred-webhook-tls"}'
        check "render [webhook-other-release]: the webhook fails open and fast, pods CREATE only, exclusions, Service wiring" \
            py webhook "$work/render-webhook-other-release.yaml" '{"mode": "self-managed", "namespace": "ops", "service": "prod-regcred-webhook", "configuration": "prod-regcred", "secret": "prod-regcred-webhook-tls"}'
    fi

    if rendered monitoring regcred regcred-system "{$monitoring_on}"; then
        f="$work/render-monitoring.yaml"
        check "render [monitoring]: equals deploy/monitoring/ but for Helm's labels" \
            py same deploy/monitoring/regcred-monitoring.yaml "$f" "$core_kinds"
        check "render [monitoring]: the three alerts, with severity, summary, description, runbook" py alerts "$f"
        promtool_checks "render [monitoring]" "$f" unit
    fi

    if rendered managed-names regcred regcred-system '{"managedSecretNames": ["regcred-ghcr", "regcred-quay"]}'; then
        check "render [managed-names]: list/watch/patch/delete on secrets limited to those names" \
            py rbac "$work/render-managed-names.yaml" '["regcred-ghcr", "regcred-quay"]'
    fi
    if rendered no-names regcred regcred-system '{"managedSecretNames": []}'; then
        check "render [no-names]: no secret verb but create (an empty resourceNames would mean any name)" \
            py rbac "$work/render-no-names.yaml" '[]'
    fi
    if rendered all-names regcred regcred-system '{"rbac": {"secretAccess": "all"}}'; then
        check "render [all-names]: the opt-in grants the secret verbs for any name" \
            py rbac "$work/render-all-names.yaml" all
    fi

    if rendered other-release prod ops "{$monitoring_on, \"prometheusRule\": {\"enabled\": true, \"runbookBaseURL\": \"https://docs.example.com/deploy.md\", \"credentialExpiringSoon\": {\"thresholdHours\": 6, \"matchers\": \"clusterpullsecret!~\\\"ecr-.*\\\"\"}}}"; then
        f="$work/render-other-release.yaml"
        check "render [other-release]: objects named after the release, in its namespace" py expect "$f" '{
            "names": [["Deployment", "prod-regcred", "ops"], ["ServiceAccount", "prod-regcred", "ops"],
                      ["ClusterRole", "prod-regcred-controller", null], ["Role", "prod-regcred-controller", "ops"],
                      ["RoleBinding", "prod-regcred-controller", "ops"], ["Service", "prod-regcred-metrics", "ops"],
                      ["PrometheusRule", "prod-regcred", "ops"], ["ServiceMonitor", "prod-regcred", "ops"]],
            "servicemonitor_namespace": "ops",
            "expr": {"RegcredControllerDown": "absent(up{job=\"prod-regcred-metrics\", namespace=\"ops\"} == 1)",
                     "RegcredCredentialExpiringSoon": "((regcred_credential_expiry_timestamp_seconds{clusterpullsecret!~\"ecr-.*\"} > 0) - time() < 6 * 3600) unless on(clusterpullsecret) (regcred_source_refresh_failing == 0)"}}'
        check "render [other-release]: RBAC binds the release's ServiceAccount in its namespace" \
            py rbac "$f" '["regcred-ghcr"]' ops
        check "render [other-release]: security context, probes, resources, ports and wiring" py workload "$f"
        check "render [other-release]: alerts have runbook_url from runbookBaseURL" \
            grep -q 'runbook_url: "https://docs.example.com/deploy.md#regcredcontrollerdown"' "$f"
        promtool_checks "render [other-release]" "$f"
    fi

    if rendered single regcred regcred-system '{
        "replicaCount": 1, "leaderElection": {"enabled": false}, "extraArgs": ["--example-extra-flag=1"],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}]}]}}},
        "image": {"digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        "priorityClassName": "system-cluster-critical"}'; then
        f="$work/render-single.yaml"
        check "render [single]: one replica, no --leader-elect, extra args last, no PodDisruptionBudget" py expect "$f" '{
            "replicas": 1, "args_lacks": "--leader-elect", "args_last": "--example-extra-flag=1",
            "kinds": {"PodDisruptionBudget": 0, "Deployment": 1},
            "image": "ghcr.io/regcred/regcred@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "pod": {"nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-cluster-critical",
                    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"}],
                    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}]}]}}}}}'
        check "render [single]: security context, probes, resources, ports and wiring" py workload "$f"
    fi

    if rendered existing-sa regcred regcred-system '{"serviceAccount": {"create": false, "name": "existing"}, "rbac": {"create": false}}'; then
        check "render [existing-sa]: no ServiceAccount or RBAC objects; the pod runs as the named account" \
            py expect "$work/render-existing-sa.yaml" '{
                "kinds": {"ServiceAccount": 0, "ClusterRole": 0, "ClusterRoleBinding": 0, "Role": 0, "RoleBinding": 0},
                "pod": {"serviceAccountName": "existing"}}'
    fi

    if rendered leader-election regcred regcred-system '{"replicaCount": 3, "leaderElection": {"enabled": true}}'; then
        f="$work/render-leader-election.yaml"
        check "render [leader-election]: 3 replicas with --leader-elect and a PodDisruptionBudget" py expect "$f" '{
            "replicas": 3, "args_has": "--leader-elect", "kinds": {"PodDisruptionBudget": 1, "Deployment": 1}}'
        check "render [leader-election]: RBAC lets the replicas share a Lease" py rbac "$f"
        check "render [leader-election]: security context, probes, resources, ports and wiring" py workload "$f"
    fi

    if rendered custom-image regcred regcred-system '{"image": {"repository": "registry.example.com/team/regcred", "tag": "1.2.3-rc.1", "pullPolicy": "Always"}, "imagePullSecrets": ["team-registry"]}'; then
        f="$work/render-custom-image.yaml"
        check "render [custom-image]: the image, pull policy and pull secret given, the version label from the tag" py expect "$f" '{
            "image": "registry.example.com/team/regcred:1.2.3-rc.1",
            "container": {"imagePullPolicy": "Always", "command": ["regcred"]},
            "pod": {"imagePullSecrets": [{"name": "team-registry"}]},
            "pod_labels": {"app.kubernetes.io/version": "1.2.3-rc.1"}}'
    fi

    # values.schema.json: wrong types and unknown keys fail before anything is rendered.
    check_fails "schema refuses replicaCount of the wrong type" "replicaCount: Invalid type. Expected: integer" \
        render schema-replicas regcred regcred-system '{"replicaCount": "two"}'
    check_fails "schema refuses leaderElection.enabled of the wrong type" "leaderElection.enabled: Invalid type. Expected: boolean" \
        render schema-leader regcred regcred-system '{"leaderElection": {"enabled": "yes"}}'
    check_fails "schema refuses a managedSecretNames that is not a list" "managedSecretNames: Invalid type. Expected: array" \
        render schema-managed regcred regcred-system '{"managedSecretNames": "regcred-ghcr"}'
    check_fails "schema refuses a malformed image digest" "image.digest: Does not match pattern" \
        render schema-digest regcred regcred-system '{"image": {"digest": "0123abcd"}}'
    check_fails "schema refuses an unknown pull policy" "image.pullPolicy: image.pullPolicy must be one of" \
        render schema-policy regcred regcred-system '{"image": {"pullPolicy": "Sometimes"}}'
    check_fails "schema refuses a misspelt top-level value (replicas for replicaCount)" "Additional property replicas is not allowed" \
        render schema-typo regcred regcred-system '{"replicas": 3}'
    check_fails "schema refuses a port out of range" "metrics.port: Must be less than or equal to 65535" \
        render schema-port regcred regcred-system '{"metrics": {"port": 80800}}'
    check_fails "schema refuses webhook.enabled of the wrong type" "webhook.enabled: Invalid type. Expected: boolean" \
        render schema-webhook regcred regcred-system '{"webhook": {"enabled": "yes"}}'
    check_fails "schema refuses a misspelt webhook value (certmanager for certManager)" "Additional property certmanager is not allowed" \
        render schema-webhook-typo regcred regcred-system '{"webhook": {"certmanager": {"enabled": true}}}'
    check_fails "schema refuses an issuerRef kind cert-manager does not have" "webhook.certManager.issuerRef.kind" \
        render schema-issuer regcred regcred-system '{"webhook": {"enabled": true, "certManager": {"enabled": true, "issuerRef": {"name": "x", "kind": "Vault"}}}}'
    check_fails "schema refuses a wrong type given with --set, as helm install would" "replicaCount: Invalid type" \
        helm template regcred charts/regcred --namespace regcred-system --set replicaCount=two

    check_fails "render refuses 2 replicas without leader election" "leaderElection" \
        render unsafe regcred regcred-system '{"replicaCount": 2, "leaderElection": {"enabled": false}}'
    check_fails "render refuses an invalid name in managedSecretNames" "not a valid Secret name" \
        render bad-name regcred regcred-system '{"managedSecretNames": ["Not_A_Name"]}'
    check_fails "render refuses serviceAccount.create=false without a name" "serviceAccount.name is required" \
        render no-sa-name regcred regcred-system '{"serviceAccount": {"create": false}}'
fi

finish
