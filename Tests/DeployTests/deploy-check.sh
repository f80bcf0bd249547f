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
#   impersonate/deletecollection, and exactly the permissions of the table in the embedded
#   check.py (a new permission must be added there deliberately); every rule has a comment;
# - the chart rendered as release "regcred" in regcred-system equals deploy/regcred.yaml and
#   deploy/monitoring/ (but for Helm's own labels), and its values do what they say
#   (managedSecretNames, replicas, leader election, extra args, scheduling, names per release,
#   refusing unsafe settings);
# - the alerts: promtool check rules, and promtool test rules (they fire when they should and
#   only then), where promtool is installed (Debian package "prometheus"); skipped otherwise;
# - kubectl apply --dry-run=client, where kubectl can do it without a server (it cannot: it
#   needs the server's discovery; then skipped, with the reason), and kubectl kustomize (offline).
#
# Rendering uses `helm template` where helm is installed. Debian ships no helm package and this
# project installs nothing from outside its registries, so without helm the chart is rendered by
# a small stand-in built with the Go toolchain (Debian's golang-go): Go's text/template, which
# is Helm's engine, with the Helm/Sprig functions the chart uses. Without either, the render
# checks are skipped with the reason.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
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

# ---------------------------------------------------------------------------------------------
# check.py: the checks on parsed documents (one subcommand each; exit 1 with reasons).
# ---------------------------------------------------------------------------------------------
cat >"$work/check.py" <<'PYEOF'
"""deploy-check.sh's checks on parsed manifests. Each subcommand exits 0 (pass) or 1 with the
reasons on stdout. Usage: python3 check.py SUBCOMMAND ARGS…"""
import copy
import json
import re
import sys

import yaml

NAMESPACE = "regcred-system"
UID = 65532

# The controller's permissions, as (apiGroup, resource, verb, resourceNames). Changing RBAC means
# changing this table too, deliberately: every permission here is explained in docs/deploy.md.
CLUSTER_RULES = [
    ("regcred.dev", "clusterpullsecrets", "list watch update"),
    ("regcred.dev", "clusterpullsecrets/status", "patch"),
    ("", "namespaces", "list watch"),
    ("", "serviceaccounts", "get list watch patch"),
    ("", "secrets", "create"),
    ("", "secrets", "list watch patch delete", "MANAGED"),
    ("events.k8s.io", "events", "create"),
]
NAMESPACE_RULES = [
    ("", "secrets", "list watch"),
    ("coordination.k8s.io", "leases", "get create update"),
]
FORBIDDEN_VERBS = {"*", "escalate", "bind", "impersonate", "deletecollection"}


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def problems_exit(problems):
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


def objects(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def cmd_parse(paths):
    """Every document parses; every non-empty one is an object with apiVersion, kind, metadata.name."""
    problems = []
    count = 0
    for path in paths:
        try:
            docs = load(path)
        except yaml.YAMLError as e:
            problems.append(f"{path}: not YAML: {e}")
            continue
        for i, d in enumerate(docs):
            count += 1
            where = f"{path} document {i + 1}"
            if not isinstance(d, dict):
                problems.append(f"{where}: not a mapping")
                continue
            for field in ("apiVersion", "kind"):
                if not isinstance(d.get(field), str) or not d[field]:
                    problems.append(f"{where}: no {field}")
            if not isinstance(d.get("metadata"), dict) or not d["metadata"].get("name"):
                problems.append(f"{where}: no metadata.name")
    if count == 0:
        problems.append("no documents at all")
    problems_exit(problems)


def cmd_parse_plain(paths):
    """YAML files that are not manifests (Chart.yaml, values.yaml): they parse to a mapping."""
    problems = []
    for path in paths:
        try:
            docs = load(path)
        except yaml.YAMLError as e:
            problems.append(f"{path}: not YAML: {e}")
            continue
        if len(docs) != 1 or not isinstance(docs[0], dict):
            problems.append(f"{path}: expected one mapping")
    problems_exit(problems)


def cmd_chart_meta(chart_yaml, values_yaml):
    problems = []
    chart = load(chart_yaml)[0]
    values = load(values_yaml)[0]
    if chart.get("apiVersion") != "v2":
        problems.append(f"Chart.yaml apiVersion is {chart.get('apiVersion')!r}, want v2")
    if chart.get("name") != "regcred":
        problems.append("Chart.yaml name is not regcred")
    if not re.fullmatch(r"\d+\.\d+\.\d+([-+].*)?", str(chart.get("version", ""))):
        problems.append("Chart.yaml version is not SemVer")
    if not chart.get("appVersion"):
        problems.append("Chart.yaml has no appVersion")
    for dotted in ["image.repository", "image.tag", "replicaCount", "resources", "leaderElection.enabled",
                   "managedSecretNames", "metrics.serviceMonitor.enabled", "prometheusRule.enabled",
                   "extraArgs", "nodeSelector", "tolerations", "affinity", "podSecurityContext"]:
        node = values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                problems.append(f"values.yaml has no {dotted}")
                break
            node = node[part]
    if values.get("managedSecretNames") != ["regcred-ghcr"]:
        problems.append("values.yaml: managedSecretNames must default to [regcred-ghcr] (the README's example, by name)")
    if values.get("rbac", {}).get("secretAccess") != "names":
        problems.append("values.yaml: rbac.secretAccess must default to names")
    problems_exit(problems)


def effective(pod_sc, c_sc, key):
    if key in (c_sc or {}):
        return c_sc[key]
    return (pod_sc or {}).get(key)


def cmd_workload(path):
    """Security context, probes, resources and wiring of every Deployment."""
    docs = load(path)
    problems = []
    deployments = objects(docs, "Deployment")
    if not deployments:
        problems.append("no Deployment")
    for dep in deployments:
        name = dep["metadata"]["name"]
        spec = dep["spec"]
        pod = spec["template"]["spec"]
        pod_labels = spec["template"]["metadata"].get("labels", {})
        selector = spec["selector"].get("matchLabels", {})
        if not selector or any(pod_labels.get(k) != v for k, v in selector.items()):
            problems.append(f"{name}: selector does not match the pod labels")
        pod_sc = pod.get("securityContext") or {}
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.get(flag):
                problems.append(f"{name}: {flag} is set")
        for v in pod.get("volumes") or []:
            if "hostPath" in v:
                problems.append(f"{name}: hostPath volume {v.get('name')}")
        containers = (pod.get("initContainers") or []) + pod.get("containers", [])
        for c in containers:
            where = f"{name}/{c['name']}"
            sc = c.get("securityContext") or {}
            if effective(pod_sc, sc, "runAsNonRoot") is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if effective(pod_sc, sc, "runAsUser") != UID:
                problems.append(f"{where}: runAsUser is not {UID}")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if sc.get("privileged"):
                problems.append(f"{where}: privileged")
            caps = sc.get("capabilities") or {}
            if "ALL" not in (caps.get("drop") or []):
                problems.append(f"{where}: capabilities.drop does not contain ALL")
            if caps.get("add"):
                problems.append(f"{where}: capabilities.add is not empty")
            seccomp = effective(pod_sc, sc, "seccompProfile") or {}
            if seccomp.get("type") != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile.type is not RuntimeDefault")
        for c in pod.get("containers", []):
            where = f"{name}/{c['name']}"
            ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
            args = c.get("args") or []
            res = c.get("resources") or {}
            for key in ("cpu", "memory"):
                if key not in (res.get("requests") or {}):
                    problems.append(f"{where}: no {key} request")
            if "memory" not in (res.get("limits") or {}):
                problems.append(f"{where}: no memory limit")
            for probe, path_ in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
                get = (c.get(probe) or {}).get("httpGet") or {}
                if get.get("path") != path_:
                    problems.append(f"{where}: {probe} does not GET {path_}")
                port = get.get("port")
                if port not in ("health", ports.get("health")):
                    problems.append(f"{where}: {probe} is not on the health port")
            if not args or args[0] != "controller":
                problems.append(f"{where}: args do not start with 'controller'")

            def flag_value(flag):
                for i, a in enumerate(args):
                    if a == flag and i + 1 < len(args):
                        return args[i + 1]
                    if a.startswith(flag + "="):
                        return a.split("=", 1)[1]
                return None

            for flag, port_name in (("--metrics-bind-address", "metrics"), ("--health-probe-bind-address", "health")):
                value = flag_value(flag)
                if value is None:
                    problems.append(f"{where}: no {flag}")
                elif ports.get(port_name) is None or value != f":{ports[port_name]}":
                    problems.append(f"{where}: {flag} {value} does not match container port {port_name}={ports.get(port_name)}")
            if spec.get("replicas", 1) > 1 and "--leader-elect" not in args:
                problems.append(f"{where}: {spec['replicas']} replicas without --leader-elect")
            mounts = {m["mountPath"] for m in c.get("volumeMounts") or []}
            if "/tmp" not in mounts:
                problems.append(f"{where}: no writable /tmp (the root filesystem is read-only)")
        sa = pod.get("serviceAccountName")
        if not sa:
            problems.append(f"{name}: no serviceAccountName")
        ns = dep["metadata"].get("namespace")
        sas = objects(docs, "ServiceAccount")
        if sas and not any(s["metadata"]["name"] == sa and s["metadata"].get("namespace") == ns for s in sas):
            problems.append(f"{name}: ServiceAccount {sa} is not among the manifests")
        for pdb in objects(docs, "PodDisruptionBudget"):
            sel = pdb["spec"]["selector"].get("matchLabels", {})
            if not sel or any(pod_labels.get(k) != v for k, v in sel.items()):
                problems.append(f"PodDisruptionBudget {pdb['metadata']['name']} does not select the pods")
        for svc in objects(docs, "Service"):
            sel = svc["spec"].get("selector") or {}
            if not sel or any(pod_labels.get(k) != v for k, v in sel.items()):
                problems.append(f"Service {svc['metadata']['name']} does not select the pods")
            container_ports = {p.get("name") for c in pod["containers"] for p in c.get("ports") or []}
            for p in svc["spec"]["ports"]:
                if p.get("targetPort") not in container_ports:
                    problems.append(f"Service {svc['metadata']['name']}: targetPort {p.get('targetPort')} is not a container port")
    problems_exit(problems)


def cmd_spec(path):
    """The exact figures the deployment issue asks for (plain manifests)."""
    docs = load(path)
    problems = []
    kinds = sorted(d["kind"] for d in docs)
    want = sorted(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                   "Deployment", "PodDisruptionBudget", "Service"])
    if kinds != want:
        problems.append(f"kinds {kinds}, want {want}")
    for d in docs:
        if d["kind"] not in ("Namespace", "ClusterRole", "ClusterRoleBinding") and d["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{d['kind']} {d['metadata']['name']} is not in {NAMESPACE}")
    for dep in objects(docs, "Deployment"):
        spec = dep["spec"]
        c = spec["template"]["spec"]["containers"][0]
        if spec.get("replicas") != 2:
            problems.append("replicas is not 2")
        if spec["template"]["spec"].get("serviceAccountName") != "regcred":
            problems.append("ServiceAccount is not regcred")
        if not c["image"].startswith("ghcr.io/regcred/regcred:"):
            problems.append(f"image {c['image']}")
        cmd = (c.get("command") or []) + (c.get("args") or [])
        want_cmd = ["regcred", "controller", "--leader-elect", "--metrics-bind-address", ":8080",
                    "--health-probe-bind-address", ":8081"]
        if cmd != want_cmd:
            problems.append(f"command {cmd}, want {want_cmd}")
        want_res = {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
        if c.get("resources") != want_res:
            problems.append(f"resources {c.get('resources')}, want {want_res}")
    pdbs = objects(docs, "PodDisruptionBudget")
    if not pdbs or pdbs[0]["spec"].get("minAvailable") != 1:
        problems.append("PodDisruptionBudget minAvailable is not 1")
    svcs = objects(docs, "Service")
    if not svcs or [p["port"] for p in svcs[0]["spec"]["ports"]] != [8080]:
        problems.append("metrics Service does not expose 8080")
    problems_exit(problems)


def rule_tuples(rules):
    out = set()
    for r in rules:
        names = tuple(sorted(r.get("resourceNames") or [])) or None
        for g in r.get("apiGroups") or []:
            for res in r.get("resources") or []:
                for v in r.get("verbs") or []:
                    out.add((g, res, v, names))
    return out


def expected_tuples(table, managed):
    out = set()
    for row in table:
        group, resource, verbs = row[:3]
        # rows marked MANAGED carry the managedSecretNames as resourceNames; "all" grants any
        # name (rbac.secretAccess=all); no names grant nothing (empty resourceNames = any name)
        names = None
        if len(row) > 3:
            if managed == "all":
                names = None
            elif not managed:
                continue
            else:
                names = tuple(sorted(managed))
        for v in verbs.split():
            out.add((group, resource, v, names))
    return out


def cmd_rbac(path, managed_json='["regcred-ghcr"]', release_ns=NAMESPACE):
    """No wildcards or escalation verbs, and exactly the permissions in the tables above."""
    managed = "all" if managed_json == "all" else json.loads(managed_json)
    docs = load(path)
    problems = []
    for d in docs:
        if d["kind"] not in ("ClusterRole", "Role"):
            continue
        name = f"{d['kind']} {d['metadata']['name']}"
        if d.get("aggregationRule"):
            problems.append(f"{name}: aggregationRule")
        for r in d.get("rules") or []:
            for field in ("apiGroups", "resources", "verbs", "resourceNames"):
                if "*" in (r.get(field) or []):
                    problems.append(f"{name}: '*' in {field}")
            if r.get("nonResourceURLs"):
                problems.append(f"{name}: nonResourceURLs")
            bad = FORBIDDEN_VERBS & set(r.get("verbs") or [])
            if bad:
                problems.append(f"{name}: verbs {sorted(bad)}")
            if r.get("resourceNames") and "create" in r.get("verbs", []):
                problems.append(f"{name}: create with resourceNames (never matches)")
    for kind, table in (("ClusterRole", CLUSTER_RULES), ("Role", NAMESPACE_RULES)):
        roles = objects(docs, kind)
        if len(roles) != 1:
            problems.append(f"{len(roles)} {kind}s, want 1")
            continue
        got, want = rule_tuples(roles[0].get("rules") or []), expected_tuples(table, managed)
        for extra in sorted(got - want, key=str):
            problems.append(f"{kind} grants {extra} which is not in the expected table")
        for missing in sorted(want - got, key=str):
            problems.append(f"{kind} lacks {missing}")
        if kind == "Role" and roles[0]["metadata"].get("namespace") != release_ns:
            problems.append(f"Role is in {roles[0]['metadata'].get('namespace')}, want {release_ns}")
    roles = {(d["kind"], d["metadata"]["name"]) for d in docs if d["kind"] in ("ClusterRole", "Role")}
    sas = {(d["metadata"].get("namespace"), d["metadata"]["name"]) for d in objects(docs, "ServiceAccount")}
    deps = objects(docs, "Deployment")
    runs_as = {(d["metadata"].get("namespace"), d["spec"]["template"]["spec"].get("serviceAccountName")) for d in deps}
    for b in objects(docs, "ClusterRoleBinding") + objects(docs, "RoleBinding"):
        ref = (b["roleRef"]["kind"], b["roleRef"]["name"])
        if ref not in roles:
            problems.append(f"{b['kind']} {b['metadata']['name']} refers to missing {ref}")
        for s in b.get("subjects") or []:
            subject = (s.get("namespace"), s.get("name"))
            if s.get("kind") != "ServiceAccount" or subject not in runs_as:
                problems.append(f"{b['kind']} {b['metadata']['name']}: subject {subject} is not the controller's ServiceAccount")
            if sas and subject not in sas:
                problems.append(f"{b['kind']} {b['metadata']['name']}: subject {subject} is not among the manifests")
        if b["kind"] == "RoleBinding" and b["metadata"].get("namespace") != release_ns:
            problems.append(f"RoleBinding is in {b['metadata'].get('namespace')}, want {release_ns}")
    problems_exit(problems)


def cmd_rule_comments(paths):
    """Every RBAC rule (a '- apiGroups:' item) has a comment line right above it."""
    problems = []
    for path in paths:
        lines = open(path).read().splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^\s*- apiGroups:", line):
                j = i - 1
                while j >= 0 and re.match(r"^\s*\{\{-? (if|else|end)", lines[j]):
                    j -= 1
                if j < 0 or not lines[j].strip().startswith("#"):
                    problems.append(f"{path}:{i + 1}: rule without a comment saying what it is for")
    problems_exit(problems)


HELM_ONLY_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")


def normalize(d):
    d = copy.deepcopy(d)

    def strip(meta):
        labels = (meta or {}).get("labels")
        if labels:
            for k in HELM_ONLY_LABELS:
                labels.pop(k, None)

    strip(d.get("metadata"))
    if d.get("kind") == "Deployment":
        strip(d["spec"]["template"].get("metadata"))
    return d


def cmd_same(plain_path, rendered_path, skip_kinds=""):
    """The chart rendered as release regcred in regcred-system equals the plain manifests
    (but for Helm's own labels and objects of skip_kinds)."""
    skip = set(skip_kinds.split(",")) if skip_kinds else set()
    key = lambda d: (d["kind"], d["metadata"]["name"], d["metadata"].get("namespace"))
    plain = {key(d): normalize(d) for d in load(plain_path) if d["kind"] not in skip}
    rendered = {key(d): normalize(d) for d in load(rendered_path) if d["kind"] not in skip}
    problems = []
    for k in sorted(set(plain) - set(rendered), key=str):
        problems.append(f"only in the plain manifests: {k}")
    for k in sorted(set(rendered) - set(plain), key=str):
        problems.append(f"only in the chart: {k}")
    for k in sorted(set(plain) & set(rendered), key=str):
        if plain[k] != rendered[k]:
            a = json.dumps(plain[k], sort_keys=True, indent=1).splitlines()
            b = json.dumps(rendered[k], sort_keys=True, indent=1).splitlines()
            import difflib
            diff = "\n".join(list(difflib.unified_diff(a, b, "plain", "chart", lineterm=""))[:40])
            problems.append(f"{k} differs:\n{diff}")
    problems_exit(problems)


def cmd_extract_rules(path, out):
    rules = objects(load(path), "PrometheusRule")
    if len(rules) != 1:
        print(f"{len(rules)} PrometheusRules, want 1")
        sys.exit(1)
    with open(out, "w") as f:
        yaml.safe_dump(rules[0]["spec"], f, sort_keys=False)


def cmd_alerts(path):
    """The three alerts exist, with severity, summary, description and a runbook hint."""
    problems = []
    rules = objects(load(path), "PrometheusRule")
    if len(rules) != 1:
        problems_exit([f"{len(rules)} PrometheusRules, want 1"])
    alerts = {r["alert"]: r for g in rules[0]["spec"]["groups"] for r in g["rules"] if "alert" in r}
    want = {
        "RegcredCredentialExpiringSoon": "regcred_credential_expiry_timestamp_seconds",
        "RegcredNamespacesFailing": "regcred_namespaces_failed",
        "RegcredControllerDown": "absent(up{",
    }
    for name, fragment in want.items():
        a = alerts.get(name)
        if not a:
            problems.append(f"no alert {name}")
            continue
        if fragment not in a["expr"]:
            problems.append(f"{name}: expr {a['expr']!r} does not use {fragment}")
        if not a.get("labels", {}).get("severity"):
            problems.append(f"{name}: no severity label")
        ann = a.get("annotations", {})
        for k in ("summary", "description"):
            if not ann.get(k):
                problems.append(f"{name}: no {k} annotation")
        if not (ann.get("runbook") or ann.get("runbook_url")):
            problems.append(f"{name}: no runbook hint")
    if set(alerts) - set(want):
        problems.append(f"unexpected alerts {sorted(set(alerts) - set(want))}")
    problems_exit(problems)


def cmd_expect(path, assertion_json):
    """Small assertions on a rendered variant: {"kinds": {...counts}, "names": [...],
    "args_last": "...", "args_lacks": "...", "expr": {alert: expr}, "pod": {field: value}}."""
    docs = load(path)
    a = json.loads(assertion_json)
    problems = []
    for kind, count in a.get("kinds", {}).items():
        n = len(objects(docs, kind))
        if n != count:
            problems.append(f"{n} {kind}, want {count}")
    names = {(d["kind"], d["metadata"]["name"], d["metadata"].get("namespace")) for d in docs}
    for kind, name, ns in a.get("names", []):
        if (kind, name, ns) not in names:
            problems.append(f"no {kind} {ns}/{name}; have {sorted(names, key=str)}")
    deps = objects(docs, "Deployment")
    if deps:
        pod = deps[0]["spec"]["template"]["spec"]
        args = pod["containers"][0].get("args") or []
        if "args_last" in a and (not args or args[-1] != a["args_last"]):
            problems.append(f"args {args} do not end with {a['args_last']}")
        if "args_lacks" in a and a["args_lacks"] in args:
            problems.append(f"args {args} contain {a['args_lacks']}")
        if "replicas" in a and deps[0]["spec"].get("replicas") != a["replicas"]:
            problems.append(f"replicas {deps[0]['spec'].get('replicas')}, want {a['replicas']}")
        for field, value in a.get("pod", {}).items():
            if pod.get(field) != value:
                problems.append(f"pod {field} = {pod.get(field)!r}, want {value!r}")
        if "image" in a and pod["containers"][0]["image"] != a["image"]:
            problems.append(f"image {pod['containers'][0]['image']}, want {a['image']}")
    rules = objects(docs, "PrometheusRule")
    alerts = {r["alert"]: r for p in rules for g in p["spec"]["groups"] for r in g["rules"] if "alert" in r}
    for name, expr in a.get("expr", {}).items():
        got = alerts.get(name, {}).get("expr")
        if got != expr:
            problems.append(f"{name} expr {got!r}, want {expr!r}")
    for sm in objects(docs, "ServiceMonitor"):
        want_ns = a.get("servicemonitor_namespace")
        if want_ns and sm["spec"]["namespaceSelector"]["matchNames"] != [want_ns]:
            problems.append(f"ServiceMonitor namespaceSelector {sm['spec']['namespaceSelector']}")
    problems_exit(problems)


def deep_merge(base, override):
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = v
    return base


def cmd_render_input(chart_dir, release, namespace, overrides_json, out):
    """The input of the fallback renderer: {Values, Chart, Release, Capabilities}."""
    chart = load(f"{chart_dir}/Chart.yaml")[0]
    values = deep_merge(load(f"{chart_dir}/values.yaml")[0], json.loads(overrides_json))
    # Helm reads values through JSON: every number is a float64 in templates. Do the same.
    values = json.loads(json.dumps(values), parse_int=float)
    data = {
        "Values": values,
        "Chart": {"Name": chart["name"], "Version": str(chart["version"]), "AppVersion": str(chart.get("appVersion", "")),
                  "Description": chart.get("description", ""), "Type": chart.get("type", "application")},
        "Release": {"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": True,
                    "IsUpgrade": False, "Revision": 1},
        "Capabilities": {"KubeVersion": {"Version": "v1.30.0", "Major": "1", "Minor": "30"}},
    }
    with open(out, "w") as f:
        json.dump(data, f)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    commands = {
        "parse": lambda: cmd_parse(args),
        "parse-plain": lambda: cmd_parse_plain(args),
        "chart-meta": lambda: cmd_chart_meta(*args),
        "workload": lambda: cmd_workload(*args),
        "spec": lambda: cmd_spec(*args),
        "rbac": lambda: cmd_rbac(*args),
        "rule-comments": lambda: cmd_rule_comments(args),
        "same": lambda: cmd_same(*args),
        "extract-rules": lambda: cmd_extract_rules(*args),
        "alerts": lambda: cmd_alerts(*args),
        "expect": lambda: cmd_expect(*args),
        "render-input": lambda: cmd_render_input(*args),
    }
    try:
        commands[command]()
    except (yaml.YAMLError, OSError, KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
        # A malformed document: say what, not a traceback.
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)
PYEOF

# ---------------------------------------------------------------------------------------------
# minihelm: the stand-in renderer, used only where helm is not installed.
# ---------------------------------------------------------------------------------------------
mkdir -p "$work/minihelm"
cat >"$work/minihelm/main.go" <<'GOEOF'
// minihelm: renders a Helm chart's templates with Go's text/template (the engine Helm uses)
// and the subset of Helm/Sprig functions that charts/regcred uses. Only a fallback for
// deploy-check.sh where the helm binary is not installed: output is YAML-equivalent to
// `helm template` (toYaml emits JSON, which is YAML), not byte-identical.
//
// usage: minihelm CHART_DIR INPUT_JSON   INPUT_JSON = {"Values":…, "Chart":…, "Release":…}
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

func isEmpty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return r.Int() == 0
	case reflect.Float64, reflect.Float32:
		return r.Float() == 0
	case reflect.Ptr, reflect.Interface:
		return r.IsNil()
	}
	return false
}

func toInt(v interface{}) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	case string:
		var n int
		fmt.Sscanf(x, "%d", &n)
		return n
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

func str(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case error:
		return x.Error()
	}
	return fmt.Sprint(v)
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// scalar renders a leaf the way YAML reads it back unchanged: strings double-quoted (JSON
// quoting is valid YAML), whole numbers without a fraction.
func scalar(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		b, _ := json.Marshal(x)
		return string(b)
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_./-]*$`)

// key leaves a mapping key bare where YAML reads it back as the same string.
func key(k string) string {
	switch strings.ToLower(k) {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
		return scalar(k)
	}
	if plainKey.MatchString(k) {
		return k
	}
	return scalar(k)
}

// toYaml: block-style YAML with sorted keys, like Helm's toYaml (modulo string quoting).
func toYaml(v interface{}, level int) string {
	pad := strings.Repeat("  ", level)
	var b strings.Builder
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 0 {
			return pad + "{}\n"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := x[k]
			b.WriteString(pad + key(k) + ":")
			switch c := child.(type) {
			case map[string]interface{}:
				if len(c) == 0 {
					b.WriteString(" {}\n")
				} else {
					b.WriteString("\n" + toYaml(c, level+1))
				}
			case []interface{}:
				if len(c) == 0 {
					b.WriteString(" []\n")
				} else {
					b.WriteString("\n" + toYaml(c, level))
				}
			default:
				b.WriteString(" " + scalar(c) + "\n")
			}
		}
	case []interface{}:
		if len(x) == 0 {
			return pad + "[]\n"
		}
		for _, item := range x {
			switch c := item.(type) {
			case map[string]interface{}, []interface{}:
				inner := toYaml(c, level+1)
				// "- " takes the place of the first line's indentation.
				b.WriteString(pad + "- " + strings.TrimPrefix(inner, pad+"  "))
			default:
				b.WriteString(pad + "- " + scalar(c) + "\n")
			}
		}
	default:
		return pad + scalar(v) + "\n"
	}
	return b.String()
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: minihelm CHART_DIR INPUT_JSON")
		os.Exit(2)
	}
	chartDir, inputPath := os.Args[1], os.Args[2]
	raw, err := os.ReadFile(inputPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var top map[string]interface{}
	if err := json.Unmarshal(raw, &top); err != nil {
		fmt.Fprintln(os.Stderr, "input:", err)
		os.Exit(2)
	}

	t := template.New("chart")
	t.Option("missingkey=zero")
	funcs := template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var b bytes.Buffer
			err := t.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"toYaml": func(v interface{}) string { return strings.TrimSuffix(toYaml(v, 0), "\n") },
		"toJson": func(v interface{}) string { b, _ := json.Marshal(v); return string(b) },
		"indent":  func(n int, s string) string { return indent(n, s) },
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"quote": func(args ...interface{}) string {
			out := []string{}
			for _, a := range args {
				if a != nil {
					out = append(out, fmt.Sprintf("%q", str(a)))
				}
			}
			return strings.Join(out, " ")
		},
		"squote": func(args ...interface{}) string {
			out := []string{}
			for _, a := range args {
				if a != nil {
					out = append(out, "'"+str(a)+"'")
				}
			}
			return strings.Join(out, " ")
		},
		"default": func(d interface{}, given ...interface{}) interface{} {
			if len(given) == 0 || isEmpty(given[0]) {
				return d
			}
			return given[0]
		},
		"empty": isEmpty,
		"required": func(msg string, v interface{}) (interface{}, error) {
			if v == nil {
				return v, errors.New(msg)
			}
			if s, ok := v.(string); ok && s == "" {
				return v, errors.New(msg)
			}
			return v, nil
		},
		"fail": func(msg string) (string, error) { return "", errors.New(msg) },
		"trunc": func(n int, s string) string {
			if n >= 0 && len(s) > n {
				return s[:n]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"trimPrefix": func(prefix, s string) string { return strings.TrimPrefix(s, prefix) },
		"trim":       strings.TrimSpace,
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"contains":   func(substr, s string) bool { return strings.Contains(s, substr) },
		"hasPrefix":  func(prefix, s string) bool { return strings.HasPrefix(s, prefix) },
		"hasSuffix":  func(suffix, s string) bool { return strings.HasSuffix(s, suffix) },
		"regexMatch": func(re, s string) bool { return regexp.MustCompile(re).MatchString(s) },
		"int":        toInt,
		"toString":   str,
		"join": func(sep string, v interface{}) string {
			r := reflect.ValueOf(v)
			if r.Kind() != reflect.Slice {
				return str(v)
			}
			out := []string{}
			for i := 0; i < r.Len(); i++ {
				out = append(out, str(r.Index(i).Interface()))
			}
			return strings.Join(out, sep)
		},
		"hasKey": func(m map[string]interface{}, k string) bool { _, ok := m[k]; return ok },
	}
	t.Funcs(funcs)

	chartName := str(top["Chart"].(map[string]interface{})["Name"])
	files, _ := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	sort.Strings(files)
	names := []string{}
	for _, f := range files {
		base := filepath.Base(f)
		if !(strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".tpl") || base == "NOTES.txt") {
			continue
		}
		content, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		name := chartName + "/templates/" + base
		if _, err := t.New(name).Parse(string(content)); err != nil {
			fmt.Fprintln(os.Stderr, "parse error:", err)
			os.Exit(1)
		}
		if !strings.HasPrefix(base, "_") && base != "NOTES.txt" {
			names = append(names, name)
		}
	}
	// NOTES.txt is rendered too (errors count), but printed to stderr only.
	var out bytes.Buffer
	for _, name := range append(names, chartName+"/templates/NOTES.txt") {
		if t.Lookup(name) == nil {
			continue
		}
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, name, data); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		text := strings.ReplaceAll(b.String(), "<no value>", "")
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.TrimLeft(text, "\n"))
	}
	os.Stdout.Write(out.Bytes())
}
GOEOF

# ---------------------------------------------------------------------------------------------
# Unit tests of the alerts (promtool test rules), for the release "regcred" in regcred-system.
# ---------------------------------------------------------------------------------------------
cat >"$work/rules-test.yaml" <<'TESTEOF'
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - name: alerts fire when they should, and only then
    interval: 1m
    input_series:
      # expires 20 h after t=0: less than 24 h left
      - series: 'regcred_credential_expiry_timestamp_seconds{clusterpullsecret="soon"}'
        values: '72000x40'
      # 48 h left
      - series: 'regcred_credential_expiry_timestamp_seconds{clusterpullsecret="later"}'
        values: '172800x40'
      # expiry unknown (0)
      - series: 'regcred_credential_expiry_timestamp_seconds{clusterpullsecret="static"}'
        values: '0x40'
      # token sources, 6 h left: one refreshing fine (no alert), one whose refresh fails
      - series: 'regcred_credential_expiry_timestamp_seconds{clusterpullsecret="ecr-ok"}'
        values: '21600x40'
      - series: 'regcred_source_refresh_failing{clusterpullsecret="ecr-ok"}'
        values: '0x40'
      - series: 'regcred_credential_expiry_timestamp_seconds{clusterpullsecret="ecr-down"}'
        values: '21600x40'
      - series: 'regcred_source_refresh_failing{clusterpullsecret="ecr-down"}'
        values: '1x40'
      # 3 namespaces failing from minute 6 on
      - series: 'regcred_namespaces_failed{clusterpullsecret="ghcr"}'
        values: '0x5 3x34'
      - series: 'regcred_namespaces_failed{clusterpullsecret="quay"}'
        values: '0x40'
      # the only replica stops answering scrapes at minute 11
      - series: 'up{job="regcred-metrics", namespace="regcred-system", pod="regcred-a"}'
        values: '1x10 0x29'
      # another job's target is up throughout: must not hide the outage
      - series: 'up{job="other-metrics", namespace="regcred-system", pod="other"}'
        values: '1x40'
    alert_rule_test:
      - eval_time: 5m
        alertname: RegcredCredentialExpiringSoon
        exp_alerts: []
      - eval_time: 15m
        alertname: RegcredCredentialExpiringSoon
        exp_alerts:
          - exp_labels: {severity: warning, clusterpullsecret: soon}
            exp_annotations:
              summary: 'The credential of ClusterPullSecret soon expires in 19h 45m 0s'
              description: 'The registry credential behind ClusterPullSecret soon expires in 19h 45m 0s. When it does, pods in every namespace it serves fail with ImagePullBackOff.'
              runbook: 'Renew the credential in its source secret (kubectl -n regcred-system edit secret <spec.source.static.secretRef.name>, or regcred update); regcred rolls it out to every namespace at once. For token sources check the controller logs for refresh errors. See docs/deploy.md#alerts.'
          - exp_labels: {severity: warning, clusterpullsecret: ecr-down}
            exp_annotations:
              summary: 'The credential of ClusterPullSecret ecr-down expires in 5h 45m 0s'
              description: 'The registry credential behind ClusterPullSecret ecr-down expires in 5h 45m 0s. When it does, pods in every namespace it serves fail with ImagePullBackOff.'
              runbook: 'Renew the credential in its source secret (kubectl -n regcred-system edit secret <spec.source.static.secretRef.name>, or regcred update); regcred rolls it out to every namespace at once. For token sources check the controller logs for refresh errors. See docs/deploy.md#alerts.'
      - eval_time: 20m
        alertname: RegcredNamespacesFailing
        exp_alerts: []
      - eval_time: 25m
        alertname: RegcredNamespacesFailing
        exp_alerts:
          - exp_labels: {severity: warning, clusterpullsecret: ghcr}
            exp_annotations:
              summary: 'ClusterPullSecret ghcr: 3 namespaces failing'
              description: '3 namespaces selected by ClusterPullSecret ghcr have had no up-to-date pull secret for at least 15m.'
              runbook: 'kubectl get clusterpullsecret ghcr -o yaml lists the first failures with reasons (status.namespaces.failures); regcred status shows all. Usual causes: a same-named secret that regcred does not own, Forbidden because spec.secretName is not in managedSecretNames, or API errors in the controller logs. See docs/deploy.md#alerts.'
      - eval_time: 10m
        alertname: RegcredControllerDown
        exp_alerts: []
      - eval_time: 19m
        alertname: RegcredControllerDown
        exp_alerts: []
      - eval_time: 25m
        alertname: RegcredControllerDown
        exp_alerts:
          - exp_labels: {severity: critical}
            exp_annotations:
              summary: 'The regcred controller is down'
              description: 'No regcred controller replica has been scraped successfully for at least 10m. Pull secrets are not refreshed or repaired; short-lived tokens expire within hours.'
              runbook: 'kubectl -n regcred-system get deploy,pods -l app.kubernetes.io/name=regcred; kubectl -n regcred-system logs deploy/regcred; kubectl -n regcred-system get lease. See docs/deploy.md#alerts.'
  - name: the controller down alert fires when its targets are gone altogether, not while one of two replicas is up
    interval: 1m
    input_series:
      - series: 'up{job="regcred-metrics", namespace="regcred-system", pod="regcred-b"}'
        values: '1x40'
      - series: 'up{job="regcred-metrics", namespace="regcred-system", pod="regcred-a"}'
        values: '0x40'
      - series: 'up{job="other", namespace="regcred-system"}'
        values: '1x40'
    alert_rule_test:
      - eval_time: 30m
        alertname: RegcredControllerDown
        exp_alerts: []
  - name: no target at all
    interval: 1m
    input_series:
      - series: 'up{job="other", namespace="regcred-system"}'
        values: '1x40'
    alert_rule_test:
      - eval_time: 11m
        alertname: RegcredControllerDown
        exp_alerts:
          - exp_labels: {severity: critical}
            exp_annotations:
              summary: 'The regcred controller is down'
              description: 'No regcred controller replica has been scraped successfully for at least 10m. Pull secrets are not refreshed or repaired; short-lived tokens expire within hours.'
              runbook: 'kubectl -n regcred-system get deploy,pods -l app.kubernetes.io/name=regcred; kubectl -n regcred-system logs deploy/regcred; kubectl -n regcred-system get lease. See docs/deploy.md#alerts.'
TESTEOF

py() { "$python" "$work/check.py" "$@"; }

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
        cp "$work/rules-test.yaml" "$dir/"
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
check "deploy/regcred.yaml: security context, probes, resources, ports and wiring" py workload deploy/regcred.yaml
check "deploy/regcred.yaml: RBAC has no wildcards and exactly the expected permissions" py rbac deploy/regcred.yaml
check "deploy/regcred.yaml: every RBAC rule has a comment saying what it is for" py rule-comments deploy/regcred.yaml
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

renderer=
if command -v helm >/dev/null 2>&1; then
    renderer=helm
    echo "# rendering with $(helm version --short 2>/dev/null || echo helm)"
    check "helm lint" helm lint charts/regcred
    check "helm lint (monitoring on, managedSecretNames set)" helm lint charts/regcred \
        --set metrics.serviceMonitor.enabled=true,prometheusRule.enabled=true,managedSecretNames[0]=regcred-ghcr
else
    if apt-cache policy helm 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        helm_reason="helm is not installed (apt-get install helm)"
    else
        helm_reason="helm is not installed, and Debian has no helm package (apt-cache policy helm)"
    fi
    if command -v go >/dev/null 2>&1; then
        gocache=$(go env GOCACHE 2>/dev/null || true)
        if [[ -z $gocache || $gocache == off ]]; then gocache="$work/gocache"; fi
        if out=$(cd "$work/minihelm" && GOCACHE="$gocache" GO111MODULE=off GOPROXY=off GOFLAGS='' \
            go build -o "$work/minihelm/minihelm" main.go 2>&1); then
            renderer=minihelm
            echo "# $helm_reason: rendering with the stand-in (Go text/template + the chart's Helm functions)"
        else
            fail "the stand-in renderer builds" "$out"
        fi
    else
        skip "rendering the chart" "$helm_reason, and no Go toolchain for the stand-in (apt-get install golang-go)"
    fi
fi

# render NAME RELEASE NAMESPACE OVERRIDES_JSON: renders the chart to $work/render-NAME.yaml.
render() {
    local name=$1 release=$2 namespace=$3 overrides=$4 out="$work/render-$1.yaml"
    case $renderer in
    helm)
        printf '%s\n' "$overrides" >"$work/values-$name.json"
        helm template "$release" charts/regcred --namespace "$namespace" --kube-version 1.30.0 \
            -f "$work/values-$name.json" >"$out"
        ;;
    minihelm)
        py render-input charts/regcred "$release" "$namespace" "$overrides" "$work/input-$name.json" &&
            "$work/minihelm/minihelm" charts/regcred "$work/input-$name.json" >"$out"
        ;;
    esac
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
        check "render [default]: security context, probes, resources, ports and wiring" py workload "$f"
        check "render [default]: RBAC has no wildcards and exactly the expected permissions" py rbac "$f"
        check "render [default]: equals deploy/regcred.yaml but for Helm's labels and the Namespace" \
            py same deploy/regcred.yaml "$f" Namespace
        check "render [default]: no ServiceMonitor or PrometheusRule unless enabled" \
            py expect "$f" '{"kinds": {"ServiceMonitor": 0, "PrometheusRule": 0}}'
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

    check_fails "render refuses 2 replicas without leader election" "leaderElection" \
        render unsafe regcred regcred-system '{"replicaCount": 2, "leaderElection": {"enabled": false}}'
    check_fails "render refuses an invalid name in managedSecretNames" "not a valid Secret name" \
        render bad-name regcred regcred-system '{"managedSecretNames": ["Not_A_Name"]}'
    check_fails "render refuses serviceAccount.create=false without a name" "serviceAccount.name is required" \
        render no-sa-name regcred regcred-system '{"serviceAccount": {"create": false}}'
fi

finish
