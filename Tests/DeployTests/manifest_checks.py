"""The checks deploy-check.sh runs on parsed manifests (plain ones and `helm template` output).
Each subcommand exits 0 (pass) or 1 with the reasons on stdout.

Usage: python3 manifest_checks.py SUBCOMMAND ARGS…"""
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
    # Only with the webhook's self-managed certificate: its configuration's caBundle, by name.
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "get list watch patch", "WEBHOOK_CONFIGURATION"),
]
NAMESPACE_RULES = [
    ("", "secrets", "list watch"),
    ("coordination.k8s.io", "leases", "get create update"),
    # Only with the webhook's self-managed certificate: its Secret, by name (created through the
    # ClusterRole's create, followed through the list and watch above).
    ("", "secrets", "get update", "WEBHOOK_SECRET"),
]
# The names of the webhook's objects for release "regcred" (WebhookObjectNames in the source).
WEBHOOK_NAMES = {"service": "regcred-webhook", "configuration": "regcred", "secret": "regcred-webhook-tls"}
OPT_OUT_LABEL = "regcred.dev/inject"
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

            wired = [("--metrics-bind-address", "metrics"), ("--health-probe-bind-address", "health")]
            if flag_value("--webhook-bind-address") is not None or "webhook" in ports:
                wired.append(("--webhook-bind-address", "webhook"))
            for flag, port_name in wired:
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


def cmd_image(path, want):
    """Every Deployment runs the image `want` (the reference scripts/image builds)."""
    problems = []
    deployments = objects(load(path), "Deployment")
    if not deployments:
        problems.append("no Deployment")
    for dep in deployments:
        for c in dep["spec"]["template"]["spec"]["containers"]:
            if c.get("image") != want:
                problems.append(f"{dep['metadata']['name']}/{c['name']}: image {c.get('image')}, but scripts/image builds {want}")
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


def expected_tuples(table, managed, webhook=None):
    out = set()
    for row in table:
        group, resource, verbs = row[:3]
        # rows marked WEBHOOK_* exist only with the self-managed webhook certificate, by name
        names = None
        if len(row) > 3 and row[3].startswith("WEBHOOK_"):
            if not webhook:
                continue
            names = (webhook[row[3].split("_", 1)[1].lower()],)
        # rows marked MANAGED carry the managedSecretNames as resourceNames; "all" grants any
        # name (rbac.secretAccess=all); no names grant nothing (empty resourceNames = any name)
        elif len(row) > 3:
            if managed == "all":
                names = None
            elif not managed:
                continue
            else:
                names = tuple(sorted(managed))
        for v in verbs.split():
            out.add((group, resource, v, names))
    return out


def cmd_rbac(path, managed_json='["regcred-ghcr"]', release_ns=NAMESPACE, webhook_json="null"):
    """No wildcards or escalation verbs, and exactly the permissions in the tables above
    (webhook_json: the webhook's object names when its certificate is self-managed, else null)."""
    managed = "all" if managed_json == "all" else json.loads(managed_json)
    webhook = json.loads(webhook_json)
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
        got, want = rule_tuples(roles[0].get("rules") or []), expected_tuples(table, managed, webhook)
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


def cmd_webhook(path, expected_json):
    """The webhook's objects: the MutatingWebhookConfiguration as the webhook issue asks for
    (fail open, fast, pods CREATE only, never kube-system, the release namespace or an opted-out
    namespace), its Service wired to the container's webhook port, and the certificate mode:
    {"mode": "self-managed"|"cert-manager", "namespace", "service", "configuration", "secret",
    "issuer" (cert-manager: the Issuer the chart creates, or null for an existing one)}."""
    want = json.loads(expected_json)
    docs = load(path)
    problems = []
    ns = want["namespace"]
    configs = objects(docs, "MutatingWebhookConfiguration")
    if [c["metadata"]["name"] for c in configs] != [want["configuration"]]:
        problems_exit([f"MutatingWebhookConfigurations {[c['metadata']['name'] for c in configs]}, want [{want['configuration']}]"])
    config = configs[0]
    webhooks = config.get("webhooks") or []
    if not webhooks:
        problems.append("no webhooks")
    for w in webhooks:
        where = f"webhook {w.get('name')}"
        for field, value in (("failurePolicy", "Ignore"), ("timeoutSeconds", 2), ("sideEffects", "None"),
                             ("reinvocationPolicy", "IfNeeded"), ("matchPolicy", "Equivalent"),
                             ("admissionReviewVersions", ["v1"])):
            if w.get(field) != value:
                problems.append(f"{where}: {field} = {w.get(field)!r}, want {value!r}")
        rules = w.get("rules") or []
        if [(r.get("apiGroups"), r.get("apiVersions"), r.get("operations"), r.get("resources")) for r in rules] != \
                [([""], ["v1"], ["CREATE"], ["pods"])]:
            problems.append(f"{where}: rules {rules}, want pods CREATE v1 only")
        expressions = (w.get("namespaceSelector") or {}).get("matchExpressions") or []
        excluded = [e for e in expressions if e.get("key") == "kubernetes.io/metadata.name" and e.get("operator") == "NotIn"]
        if not excluded or not {"kube-system", ns} <= set(excluded[0].get("values") or []):
            problems.append(f"{where}: namespaceSelector does not exclude kube-system and {ns} by kubernetes.io/metadata.name NotIn")
        if not any(e.get("key") == OPT_OUT_LABEL and e.get("operator") == "NotIn" and e.get("values") == ["false"] for e in expressions):
            problems.append(f"{where}: namespaceSelector does not honour the opt-out label {OPT_OUT_LABEL}=false")
        service = (w.get("clientConfig") or {}).get("service") or {}
        if (service.get("name"), service.get("namespace"), service.get("port"), service.get("path")) != \
                (want["service"], ns, 443, "/mutate-pods"):
            problems.append(f"{where}: clientConfig.service {service}, want {want['service']}.{ns}:443/mutate-pods")
        if (w.get("clientConfig") or {}).get("caBundle"):
            problems.append(f"{where}: a caBundle in the manifest (it is written by the controller or cert-manager, never by hand)")
    services = [s_ for s_ in objects(docs, "Service") if s_["metadata"]["name"] == want["service"]]
    deps = objects(docs, "Deployment")
    if len(services) != 1 or services[0]["metadata"].get("namespace") != ns:
        problems.append(f"no Service {ns}/{want['service']}")
    elif deps:
        container = deps[0]["spec"]["template"]["spec"]["containers"][0]
        ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
        svc_ports = services[0]["spec"]["ports"]
        if [(p.get("port"), p.get("targetPort")) for p in svc_ports] != [(443, "webhook")] or "webhook" not in ports:
            problems.append(f"Service {want['service']}: ports {svc_ports}, want 443 -> the container port named webhook")
    annotations = config["metadata"].get("annotations") or {}
    if deps:
        pod = deps[0]["spec"]["template"]["spec"]
        args = pod["containers"][0].get("args") or []

        def flag(name):
            return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None

        if want["mode"] == "self-managed":
            for name, key in (("--webhook-service-name", "service"), ("--webhook-configuration-name", "configuration"),
                              ("--webhook-secret-name", "secret")):
                if flag(name) != want[key]:
                    problems.append(f"args: {name} {flag(name)!r}, want {want[key]!r}")
            if "--webhook-cert-dir" in args:
                problems.append("args: --webhook-cert-dir with a self-managed certificate")
            if annotations.get("cert-manager.io/inject-ca-from"):
                problems.append("cert-manager annotation with a self-managed certificate")
            for kind in ("Certificate", "Issuer"):
                if objects(docs, kind):
                    problems.append(f"a {kind} with a self-managed certificate")
        else:
            certs = [c for c in objects(docs, "Certificate") if c["metadata"]["name"] == want["service"]]
            if annotations.get("cert-manager.io/inject-ca-from") != f"{ns}/{want['service']}":
                problems.append(f"annotation cert-manager.io/inject-ca-from = {annotations.get('cert-manager.io/inject-ca-from')!r}, want {ns}/{want['service']}")
            if len(certs) != 1:
                problems.append(f"no Certificate {ns}/{want['service']}")
            else:
                spec = certs[0]["spec"]
                svc = want["service"]
                names = [svc, f"{svc}.{ns}", f"{svc}.{ns}.svc", f"{svc}.{ns}.svc.cluster.local"]
                if spec.get("dnsNames") != names:
                    problems.append(f"Certificate dnsNames {spec.get('dnsNames')}, want {names}")
                if spec.get("secretName") != want["secret"]:
                    problems.append(f"Certificate secretName {spec.get('secretName')}, want {want['secret']}")
                issuer = spec.get("issuerRef") or {}
                if want.get("issuer") and (issuer.get("name"), issuer.get("kind")) != (want["issuer"], "Issuer"):
                    problems.append(f"Certificate issuerRef {issuer}, want the Issuer {want['issuer']}")
                if want.get("issuer") and [i["metadata"]["name"] for i in objects(docs, "Issuer")] != [want["issuer"]]:
                    problems.append(f"Issuers {[i['metadata']['name'] for i in objects(docs, 'Issuer')]}, want [{want['issuer']}]")
            cert_dir = flag("--webhook-cert-dir")
            mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0].get("volumeMounts") or []}
            volumes = {v["name"]: v for v in pod.get("volumes") or []}
            mounted = volumes.get(mounts.get(cert_dir), {}).get("secret", {}).get("secretName")
            if cert_dir is None or mounted != want["secret"]:
                problems.append(f"--webhook-cert-dir {cert_dir!r} is not where the Secret {want['secret']} is mounted")
            for name in ("--webhook-service-name", "--webhook-configuration-name", "--webhook-secret-name"):
                if name in args:
                    problems.append(f"args: {name} with cert-manager (nothing self-managed)")
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
    "args_last": "...", "args_lacks": "...", "args_has": "...", "expr": {alert: expr},
    "pod": {field: value}, "container": {field: value}, "pod_labels": {key: value}}."""
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
        if "args_has" in a and a["args_has"] not in args:
            problems.append(f"args {args} lack {a['args_has']}")
        for field, value in a.get("container", {}).items():
            if pod["containers"][0].get(field) != value:
                problems.append(f"container {field} = {pod['containers'][0].get(field)!r}, want {value!r}")
        for key, value in a.get("pod_labels", {}).items():
            got = deps[0]["spec"]["template"]["metadata"].get("labels", {}).get(key)
            if got != value:
                problems.append(f"pod label {key} = {got!r}, want {value!r}")
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


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    commands = {
        "parse": lambda: cmd_parse(args),
        "parse-plain": lambda: cmd_parse_plain(args),
        "chart-meta": lambda: cmd_chart_meta(*args),
        "workload": lambda: cmd_workload(*args),
        "spec": lambda: cmd_spec(*args),
        "image": lambda: cmd_image(*args),
        "rbac": lambda: cmd_rbac(*args),
        "rule-comments": lambda: cmd_rule_comments(args),
        "webhook": lambda: cmd_webhook(*args),
        "same": lambda: cmd_same(*args),
        "extract-rules": lambda: cmd_extract_rules(*args),
        "alerts": lambda: cmd_alerts(*args),
        "expect": lambda: cmd_expect(*args),
    }
    try:
        commands[command]()
    except (yaml.YAMLError, OSError, KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
        # A malformed document: say what, not a traceback.
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)
