// Validates Kubernetes objects: core and group kinds against the API schema with
// kubernetes-models, the CRD kinds the chart uses (KEDA, Prometheus operator,
// k6-operator) structurally against the fields their controllers require.
// stdin: a JSON array of objects; stdout: a JSON array of
// { index, kind, name, error } for every object that does not validate.
// A separate ES module because kubernetes-models is ESM-only (no `require` export),
// which the CommonJS jest runtime cannot load; deploy/k8s.spec.ts spawns it.
import { text } from 'node:stream/consumers';

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v) => typeof v === 'string' && v.length > 0;
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/** The CRD fields we rely on, from each CRD's OpenAPI schema (required fields and types only). */
const crdValidators = {
  'keda.sh/v1alpha1 ScaledObject': (o) => {
    const problems = [];
    const spec = o.spec;
    if (!isObject(spec)) return ['spec is required'];
    if (!isObject(spec.scaleTargetRef) || !isNonEmptyString(spec.scaleTargetRef.name))
      problems.push('spec.scaleTargetRef.name is required');
    for (const key of ['minReplicaCount', 'maxReplicaCount', 'pollingInterval', 'cooldownPeriod']) {
      if (key in spec && !Number.isInteger(spec[key])) problems.push(`spec.${key} must be an integer`);
    }
    if (!Array.isArray(spec.triggers) || spec.triggers.length === 0) problems.push('spec.triggers must be a non-empty array');
    for (const [i, t] of (spec.triggers ?? []).entries()) {
      if (!isNonEmptyString(t.type)) problems.push(`spec.triggers[${i}].type is required`);
      if (!isObject(t.metadata)) problems.push(`spec.triggers[${i}].metadata is required`);
      // KEDA's metadata is map[string]string.
      for (const [k, v] of Object.entries(t.metadata ?? {}))
        if (typeof v !== 'string') problems.push(`spec.triggers[${i}].metadata.${k} must be a string`);
      if (t.type === 'nats-jetstream') {
        for (const k of ['natsServerMonitoringEndpoint', 'stream', 'consumer'])
          if (!isNonEmptyString(t.metadata?.[k])) problems.push(`nats-jetstream trigger needs metadata.${k}`);
      }
      if (t.type === 'postgresql') {
        for (const k of ['query', 'targetQueryValue'])
          if (!isNonEmptyString(t.metadata?.[k])) problems.push(`postgresql trigger needs metadata.${k}`);
        const connection = ['connectionFromEnv', 'host'].filter((k) => isNonEmptyString(t.metadata?.[k]));
        if (connection.length === 0 && !isObject(t.authenticationRef))
          problems.push('postgresql trigger needs metadata.connectionFromEnv, metadata.host or an authenticationRef');
        if (t.metadata?.targetQueryValue !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(t.metadata.targetQueryValue))
          problems.push('postgresql trigger metadata.targetQueryValue must be a number');
      }
      if (t.type === 'cpu' && !['Utilization', 'AverageValue'].includes(t.metricType))
        problems.push('cpu trigger needs metricType Utilization or AverageValue');
    }
    return problems;
  },
  'monitoring.coreos.com/v1 ServiceMonitor': (o) => {
    const problems = [];
    if (!isObject(o.spec?.selector)) problems.push('spec.selector is required');
    if (!Array.isArray(o.spec?.endpoints) || o.spec.endpoints.length === 0) problems.push('spec.endpoints must be a non-empty array');
    for (const [i, e] of (o.spec?.endpoints ?? []).entries()) {
      if (!isNonEmptyString(e.port) && e.targetPort === undefined) problems.push(`spec.endpoints[${i}] needs port or targetPort`);
      if (e.interval !== undefined && !DURATION.test(e.interval)) problems.push(`spec.endpoints[${i}].interval is not a duration`);
    }
    return problems;
  },
  'monitoring.coreos.com/v1 PrometheusRule': (o) => {
    const problems = [];
    if (!Array.isArray(o.spec?.groups)) return ['spec.groups must be an array'];
    for (const [g, group] of o.spec.groups.entries()) {
      if (!isNonEmptyString(group.name)) problems.push(`spec.groups[${g}].name is required`);
      for (const [r, rule] of (group.rules ?? []).entries()) {
        if (!isNonEmptyString(rule.alert) && !isNonEmptyString(rule.record))
          problems.push(`spec.groups[${g}].rules[${r}] needs alert or record`);
        if (!isNonEmptyString(rule.expr)) problems.push(`spec.groups[${g}].rules[${r}].expr is required`);
        if (rule.for !== undefined && !DURATION.test(rule.for)) problems.push(`spec.groups[${g}].rules[${r}].for is not a duration`);
        for (const [k, v] of Object.entries(rule.labels ?? {}))
          if (typeof v !== 'string') problems.push(`spec.groups[${g}].rules[${r}].labels.${k} must be a string`);
      }
    }
    return problems;
  },
  // k6-operator (api/v1alpha1/testrun_types.go): script and parallelism are required; the chart
  // also relies on a pinned runner image and non-root pods (its own rule for every container).
  'k6.io/v1alpha1 TestRun': (o) => {
    const problems = [];
    const spec = o.spec;
    if (!isObject(spec)) return ['spec is required'];
    if (!Number.isInteger(spec.parallelism) || spec.parallelism < 1) problems.push('spec.parallelism must be a positive integer');
    const configMap = spec.script?.configMap;
    if (!isObject(configMap) || !isNonEmptyString(configMap.name)) problems.push('spec.script.configMap.name is required');
    else if (!isNonEmptyString(configMap.file) || configMap.file.includes('/'))
      problems.push('spec.script.configMap.file must be a key of the ConfigMap (no path)');
    if (spec.arguments !== undefined && typeof spec.arguments !== 'string') problems.push('spec.arguments must be a string');
    if (spec.cleanup !== undefined && spec.cleanup !== 'post') problems.push('spec.cleanup must be post');
    for (const role of ['runner', 'initializer', 'starter']) {
      const pod = spec[role];
      if (pod === undefined && role !== 'runner') continue;
      if (!isObject(pod)) {
        problems.push(`spec.${role} is required`);
        continue;
      }
      if (role === 'runner' && !/^[^\s:]+(:[^\s:]+)?:[A-Za-z0-9._-]+$/.test(pod.image ?? ''))
        problems.push('spec.runner.image needs an explicit tag');
      if (pod.image !== undefined && /:latest$/.test(pod.image)) problems.push(`spec.${role}.image must not be :latest`);
      if (pod.automountServiceAccountToken !== undefined && !['true', 'false'].includes(pod.automountServiceAccountToken))
        problems.push(`spec.${role}.automountServiceAccountToken must be the string "true" or "false"`);
      const ctx = { ...pod.securityContext, ...pod.containerSecurityContext };
      if (ctx.runAsNonRoot !== true || ctx.runAsUser === 0) problems.push(`spec.${role} must run as non-root`);
      if (pod.containerSecurityContext?.allowPrivilegeEscalation !== false)
        problems.push(`spec.${role}.containerSecurityContext.allowPrivilegeEscalation must be false`);
      for (const [i, e] of (pod.env ?? []).entries())
        if (!isNonEmptyString(e.name) || (e.value !== undefined && typeof e.value !== 'string'))
          problems.push(`spec.${role}.env[${i}] needs a name and a string value`);
      const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
      for (const m of pod.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`spec.${role}.volumeMounts ${m.name} has no volume`);
    }
    return problems;
  },
};

const objects = JSON.parse(await text(process.stdin));
const problems = [];
for (const [index, object] of objects.entries()) {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  const crd = crdValidators[`${apiVersion} ${kind}`];
  if (crd) {
    const errors = isNonEmptyString(name) ? crd(object) : ['metadata.name is required'];
    if (errors.length > 0) problems.push({ index, kind, name, error: errors.join('; ') });
    continue;
  }
  // Core objects (apiVersion v1) live under kubernetes-models/v1, groups under kubernetes-models/<group>/<version>.
  const path = `kubernetes-models/${apiVersion}`;
  let model;
  try {
    model = (await import(path))[kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== 'function') {
    problems.push({ index, kind, name, error: `no kubernetes-models class or CRD validator for ${apiVersion} ${kind}` });
    continue;
  }
  try {
    new model(object).validate();
  } catch (error) {
    problems.push({ index, kind, name, error: error instanceof Error ? error.message : String(error) });
  }
}
process.stdout.write(JSON.stringify(problems));
