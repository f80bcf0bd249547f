{{/*
The chart's name (nameOverride wins).
*/}}
{{- define "regcred.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: fullnameOverride, else the release name when it already
contains the chart name ("regcred"), else <release>-<chart>. At most 63 characters.
*/}}
{{- define "regcred.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the controller's ClusterRole, ClusterRoleBinding, Role and RoleBinding.
*/}}
{{- define "regcred.controllerRoleName" -}}
{{- printf "%s-controller" (include "regcred.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of the metrics Service (also the Prometheus "job" label when scraped by the ServiceMonitor).
*/}}
{{- define "regcred.metricsServiceName" -}}
{{- printf "%s-metrics" (include "regcred.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
chart label: name-version.
*/}}
{{- define "regcred.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: stable across upgrades (a Deployment's selector is immutable).
*/}}
{{- define "regcred.selectorLabels" -}}
app.kubernetes.io/name: {{ include "regcred.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Standard labels on every object.
*/}}
{{- define "regcred.labels" -}}
helm.sh/chart: {{ include "regcred.chart" . }}
{{ include "regcred.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: regcred
{{- end }}

{{/*
The ServiceAccount the controller runs as.
*/}}
{{- define "regcred.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "regcred.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The controller image: repository@digest, else repository:tag (tag defaults to appVersion).
*/}}
{{- define "regcred.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Refuse configurations that would break the controller's guarantees.
*/}}
{{- define "regcred.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 requires leaderElection.enabled: without it every replica writes, and they fight over the same secrets" }}
{{- end }}
{{- range .Values.managedSecretNames }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" .) }}
{{- fail (printf "managedSecretNames: %q is not a valid Secret name" .) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The pod admission webhook's objects: its Service, its MutatingWebhookConfiguration and the Secret
with its certificate. Fixed per release, so RBAC grants them by resourceNames; the controller is
told them by flag (--webhook-service-name, --webhook-configuration-name, --webhook-secret-name).
*/}}
{{- define "regcred.webhookServiceName" -}}
{{- printf "%s-webhook" (include "regcred.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "regcred.webhookConfigurationName" -}}
{{- include "regcred.fullname" . }}
{{- end }}

{{- define "regcred.webhookSecretName" -}}
{{- printf "%s-webhook-tls" (include "regcred.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Whether the controller manages the webhook's certificate itself (webhook on, cert-manager off).
*/}}
{{- define "regcred.webhookSelfManaged" -}}
{{- if and .Values.webhook.enabled (not .Values.webhook.certManager.enabled) }}true{{- end }}
{{- end }}
