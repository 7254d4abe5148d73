{{/* Name of a service's objects: <release>-<service>, or <service> when the release is named ledgerline. */}}
{{- define "ledgerline.fullname" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
{{- if eq $root.Release.Name "ledgerline" -}}{{ $name }}{{- else -}}{{ printf "%s-%s" $root.Release.Name $name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "ledgerline.labels" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}{{- $component := index . 2 -}}
app.kubernetes.io/name: {{ $name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ $component }}
app.kubernetes.io/part-of: ledgerline
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
{{- end -}}

{{- define "ledgerline.selector" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
app.kubernetes.io/name: {{ $name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
{{- end -}}

{{- define "ledgerline.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}

{{/* A variable read from the credentials Secret. */}}
{{- define "ledgerline.secretEnv" -}}
{{- $root := index . 0 -}}{{- $var := index . 1 -}}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.secrets.existingSecret }}
      key: {{ index $root.Values.secrets.keys $var }}
{{- end -}}

{{/* Trust the PostgreSQL CA bundle (pg verifies the server against Node's CA store). */}}
{{- define "ledgerline.caEnv" -}}
{{- if .Values.postgres.tls.caSecret }}
- name: NODE_EXTRA_CA_CERTS
  value: {{ printf "%s/%s" .Values.postgres.tls.mountPath .Values.postgres.tls.caKey | quote }}
{{- end }}
{{- end -}}

{{- define "ledgerline.caVolumeMount" -}}
{{- if .Values.postgres.tls.caSecret }}
- name: postgres-ca
  mountPath: {{ .Values.postgres.tls.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "ledgerline.caVolume" -}}
{{- if .Values.postgres.tls.caSecret }}
- name: postgres-ca
  secret:
    secretName: {{ .Values.postgres.tls.caSecret }}
    items:
      - key: {{ .Values.postgres.tls.caKey }}
        path: {{ .Values.postgres.tls.caKey }}
{{- end }}
{{- end -}}

{{/* OTLP endpoint: the collector when deployed, else monitoring directly. */}}
{{- define "ledgerline.otlpEndpoint" -}}
{{- if .Values.otelCollector.enabled -}}
http://{{ include "ledgerline.fullname" (list . "otel-collector") }}:4318
{{- else -}}
http://{{ include "ledgerline.fullname" (list . "monitoring") }}:3000
{{- end -}}
{{- end -}}
