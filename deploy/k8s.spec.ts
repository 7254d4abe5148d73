/**
 * Renders every kustomize overlay with the real `kubectl kustomize`, validates each
 * object against the Kubernetes API schema (kubernetes-models) and asserts the
 * invariants a rollout depends on. Also checks the compose file and Dockerfile agree
 * with the set of services. Nothing is skipped: no kubectl is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = join(__dirname, '..');
const OVERLAYS = ['dev', 'prod'] as const;
/** Services whose traffic scales with load; the others run fixed replica counts. */
const AUTOSCALED = ['aggregation', 'api-gateway', 'cache-gateway', 'ingestion'];
const CONTAINER_PORT = 3000;
/**
 * Resident memory of an idle service (Node 20 + Nest + OpenTelemetry: 160–165 MiB
 * per service under `npm start`), with some headroom. A memory-utilization HPA
 * whose target sits below this scales out at rest and never scales back in.
 */
const IDLE_RSS_BYTES = 176 * 2 ** 20;

/** Every app with a main.ts is a service that must be deployed. */
const SERVICES = readdirSync(join(root, 'apps'))
  .filter((app) => existsSync(join(root, 'apps', app, 'src', 'main.ts')))
  .sort();

interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] };
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { securityContext?: SecurityContext; containers: Container[]; initContainers?: Container[] };
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Workload extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> }; template: PodTemplate };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
  };
}
interface Pdb extends K8sObject {
  spec: { selector: { matchLabels?: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string };
}
interface Service extends K8sObject {
  spec: { selector?: Record<string, string>; ports: { port: number; targetPort?: number | string }[] };
}
interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: object;
  ipBlock?: object;
}
interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: { from?: PolicyPeer[]; ports?: { port?: number | string }[] }[];
    egress?: { to?: PolicyPeer[]; ports?: { port?: number | string }[] }[];
  };
}

function kustomize(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1_048_576 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('kubectl is not on PATH: install kubectl ≥ 1.27 (it bundles kustomize) to render k8s/ overlays.');
  }
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${result.status}):\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML from kustomize: ${doc.errors.map((e) => e.message).join('; ')}`);
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

/** Keys of the documented Secret shape every overlay must provide. */
const exampleSecret = parse(readFileSync(join(root, 'k8s', 'base', 'secret.example.yaml'), 'utf8')) as {
  metadata: { name: string };
  stringData: Record<string, string>;
};

it('finds the services to deploy', () => {
  expect(SERVICES).toEqual(['aggregation', 'api-gateway', 'cache-gateway', 'ingestion', 'monitoring', 'provisions']);
});

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  let objects: K8sObject[] = [];
  let deployments: Workload[] = [];
  let podTemplates: { owner: string; replicas: number; template: PodTemplate }[] = [];

  beforeAll(() => {
    objects = kustomize(join(root, 'k8s', 'overlays', overlay));
    deployments = ofKind<Workload>(objects, 'Deployment');
    const hpaFloor = new Map(
      ofKind<Hpa>(objects, 'HorizontalPodAutoscaler').map((h) => [h.spec.scaleTargetRef.name, h.spec.minReplicas ?? 1]),
    );
    podTemplates = [...deployments, ...ofKind<Workload>(objects, 'StatefulSet')].map((w) => ({
      owner: `${w.kind}/${w.metadata.name}`,
      // The fewest pods there will be: an autoscaled Deployment never goes below its HPA's floor.
      replicas: (w.kind === 'Deployment' ? hpaFloor.get(w.metadata.name) : undefined) ?? w.spec.replicas ?? 1,
      template: w.spec.template,
    }));
  });

  const appContainer = (name: string): Container => {
    const container = named(deployments, name).spec.template.spec.containers.find((c) => c.name === name);
    if (!container) throw new Error(`Deployment ${name} has no container named ${name}`);
    return container;
  };

  it('renders objects that all validate against the Kubernetes API schema', () => {
    expect(objects.length).toBeGreaterThan(SERVICES.length * 3);
    expect(schemaProblems(objects)).toEqual([]);
  });

  it('puts every namespaced object in one namespace and names nothing twice', () => {
    const namespaces = new Set(objects.map((o) => o.metadata.namespace));
    expect([...namespaces]).toEqual([overlay === 'prod' ? 'ledgerline' : `ledgerline-${overlay}`]);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(SERVICES)('deploys %s with probes on /healthz and /readyz, resources and metrics scraping', (name) => {
    const deployment = named(deployments, name);
    const template = deployment.spec.template;
    expect(matches(deployment.spec.selector.matchLabels, template.metadata?.labels)).toBe(true);
    const container = appContainer(name);
    expect(container.env).toContainEqual({ name: 'SERVICE', value: name });
    const http = container.ports?.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(CONTAINER_PORT);
    const port = (probe: Probe | undefined) => probe?.httpGet?.port;
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect([http?.name, http?.containerPort]).toContain(port(probe));
    }
    const { requests = {}, limits = {} } = container.resources ?? {};
    for (const resource of ['cpu', 'memory']) {
      expect(requests[resource]).toBeDefined();
      expect(limits[resource]).toBeDefined();
      expect(quantity(requests[resource] as string)).toBeLessThanOrEqual(quantity(limits[resource] as string));
    }
    expect(template.metadata?.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': String(CONTAINER_PORT),
    });
  });

  it.each(SERVICES)('exposes %s through a Service that selects its pods and targets its port', (name) => {
    const service = named(ofKind<Service>(objects, 'Service'), name);
    expect(matches(service.spec.selector, named(deployments, name).spec.template.metadata?.labels)).toBe(true);
    expect(
      ofKind<Workload>(objects, 'Deployment').filter((d) => matches(service.spec.selector, d.spec.template.metadata?.labels)),
    ).toHaveLength(1);
    expect(service.spec.ports.map((p) => p.targetPort)).toContain('http');
  });

  it('runs no container as root, with a read-only root filesystem and no capabilities', () => {
    expect(podTemplates.length).toBeGreaterThanOrEqual(SERVICES.length);
    for (const { owner, template } of podTemplates) {
      const pod = template.spec.securityContext ?? {};
      for (const container of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
        const ctx = { ...pod, ...container.securityContext };
        const where = `${owner} container ${container.name}`;
        expect({ where, runAsNonRoot: ctx.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        expect({ where, rootUid: ctx.runAsUser === 0 }).toEqual({ where, rootUid: false });
        expect({ where, ctx }).toMatchObject({ where, ctx: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } });
        expect({ where, drop: container.securityContext?.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
      }
    }
  });

  it('runs one image, with an explicit tag, for every service', () => {
    const images = new Set(SERVICES.map((name) => appContainer(name).image));
    expect(images.size).toBe(1);
    const [image] = [...images] as string[];
    const tag = /:([^:/@]+)$/.exec(image)?.[1];
    expect(tag).toBeDefined();
    expect(tag).not.toBe('latest');
    if (overlay === 'prod') expect(tag).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('autoscales exactly the request-path services, each HPA targeting an existing Deployment it can measure', () => {
    const hpas = ofKind<Hpa>(objects, 'HorizontalPodAutoscaler');
    expect(hpas.every((h) => h.apiVersion === 'autoscaling/v2')).toBe(true);
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(AUTOSCALED);
    for (const hpa of hpas) {
      const { scaleTargetRef: ref, minReplicas = 1, maxReplicas, metrics = [] } = hpa.spec;
      expect(ref).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      const target = named(deployments, ref.name);
      expect(minReplicas).toBeGreaterThanOrEqual(1);
      expect(maxReplicas).toBeGreaterThan(minReplicas);
      // The HPA owns the count: a replicas field would be reset to on every apply.
      expect({ deployment: ref.name, replicas: target.spec.replicas }).toEqual({ deployment: ref.name, replicas: undefined });
      const measured = metrics.filter((m) => m.type === 'Resource').map((m) => m.resource?.name);
      expect(measured).toContain('cpu');
      // Utilization targets are relative to requests: every container must request what is measured.
      for (const container of target.spec.template.spec.containers) {
        for (const resource of measured) expect(container.resources?.requests?.[resource as string]).toBeDefined();
        const memory = metrics.find((m) => m.resource?.name === 'memory')?.resource?.target.averageUtilization;
        const request = container.resources?.requests?.memory;
        if (memory !== undefined && request !== undefined) {
          expect({ hpa: hpa.metadata.name, scalesOutAtRest: (quantity(request) * memory) / 100 <= IDLE_RSS_BYTES }).toEqual({
            hpa: hpa.metadata.name,
            scalesOutAtRest: false,
          });
        }
      }
    }
    if (overlay === 'prod') for (const hpa of hpas) expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    for (const deployment of deployments.filter((d) => !AUTOSCALED.includes(d.metadata.name))) {
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives every service a PodDisruptionBudget that selects its pods and never blocks a drain', () => {
    const pdbs = ofKind<Pdb>(objects, 'PodDisruptionBudget');
    for (const pdb of pdbs) {
      const selected = podTemplates.filter(({ template }) => matches(pdb.spec.selector.matchLabels, template.metadata?.labels));
      expect({ pdb: pdb.metadata.name, selects: selected.length }).toEqual({ pdb: pdb.metadata.name, selects: 1 });
      const replicas = selected[0]?.replicas ?? 0;
      if (typeof pdb.spec.minAvailable === 'number') expect(pdb.spec.minAvailable).toBeLessThan(replicas);
      if (typeof pdb.spec.maxUnavailable === 'number') expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
    for (const name of SERVICES) {
      const labels = named(deployments, name).spec.template.metadata?.labels;
      expect({ name, pdbs: pdbs.filter((p) => matches(p.spec.selector.matchLabels, labels)).length }).toEqual({ name, pdbs: 1 });
    }
  });

  it('feeds every service the shared ConfigMap, reachable on the container port, and the secrets it needs', () => {
    const configMaps = ofKind<K8sObject>(objects, 'ConfigMap');
    const secrets = ofKind<K8sObject>(objects, 'Secret');
    for (const name of SERVICES) {
      const container = appContainer(name);
      const configRefs = (container.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : []));
      expect(configRefs).toHaveLength(1);
      const config = named(configMaps, configRefs[0] as string).data ?? {};
      expect(config).toMatchObject({ HOST: '0.0.0.0', PORT: String(CONTAINER_PORT) });
      expect(config.NATS_URL).toMatch(/^nats:\/\/.+/);
      expect(config.REDIS_URL).toMatch(/^rediss?:\/\/.+/);
      expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://monitoring:${CONTAINER_PORT}`);

      const secretRefs = (container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []));
      if (name !== 'cache-gateway') expect(secretRefs.map((r) => r.key)).toContain('DATABASE_URL');
      if (name === 'api-gateway') expect(secretRefs.map((r) => r.key)).toContain('ADMIN_API_KEY');
      for (const ref of secretRefs) {
        expect(Object.keys(exampleSecret.stringData)).toContain(ref.key);
        if (overlay === 'prod') {
          // Created out of band in prod (see secret.example.yaml): never rendered from git.
          expect(secrets).toEqual([]);
          expect(ref.name).toBe(exampleSecret.metadata.name);
        } else {
          expect(Object.keys(named(secrets, ref.name).data ?? {})).toContain(ref.key);
        }
      }
    }
  });

  it("sizes the gateway's Redis-down rate-limit share by its fewest replicas", () => {
    const container = appContainer('api-gateway');
    const configName = (container.envFrom ?? []).find((e) => e.configMapRef)?.configMapRef?.name as string;
    const config = named(ofKind<K8sObject>(objects, 'ConfigMap'), configName).data ?? {};
    const gatewayPods = podTemplates.find((p) => p.owner === 'Deployment/api-gateway')?.replicas;
    expect(config.RATE_LIMIT_FALLBACK_REPLICAS).toBe(String(gatewayPods));
  });

  it('lets only api-gateway take traffic from outside; services reach NATS, PostgreSQL, Redis and monitoring', () => {
    const policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
    const selects = (policy: NetworkPolicy, name: string) => {
      const selector = policy.spec.podSelector.matchLabels ?? {};
      return Object.keys(selector).length === 0 || matches(selector, named(deployments, name).spec.template.metadata?.labels);
    };
    const defaultDeny = policies.find(
      (p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0 && !p.spec.ingress && !p.spec.egress,
    );
    expect(defaultDeny?.spec.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);

    const openToAll = policies.filter((p) => (p.spec.ingress ?? []).some((rule) => !rule.from || rule.from.length === 0));
    for (const name of SERVICES) {
      expect({ name, open: openToAll.some((p) => selects(p, name)) }).toEqual({ name, open: name === 'api-gateway' });
    }

    const ingressFromServices = (name: string) =>
      policies.some(
        (p) =>
          selects(p, name) &&
          (p.spec.ingress ?? []).some((rule) =>
            (rule.from ?? []).some(
              (peer) => !peer.namespaceSelector && matches(peer.podSelector?.matchLabels, { 'app.kubernetes.io/component': 'service' }),
            ),
          ),
      );
    expect(ingressFromServices('monitoring')).toBe(true);

    for (const name of SERVICES) {
      const egressPorts = policies
        .filter((p) => selects(p, name))
        .flatMap((p) => p.spec.egress ?? [])
        .flatMap((rule) => (rule.ports ?? []).map((port) => port.port));
      expect({ name, egressPorts }).toEqual({ name, egressPorts: expect.arrayContaining([53, 4222, 5432, 6379, CONTAINER_PORT]) });
    }
  });
});

describe('deploy/docker', () => {
  it('compose brings up postgres, nats with JetStream, redis and every service from one image', () => {
    const compose = parse(readFileSync(join(root, 'deploy', 'docker', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([...SERVICES, 'nats', 'postgres', 'redis'].sort());
    expect(compose.services.nats?.command).toContain('--jetstream');
    const images = new Set(SERVICES.map((name) => compose.services[name]?.image));
    expect(images.size).toBe(1);
    for (const name of SERVICES) expect(compose.services[name]?.environment).toMatchObject({ SERVICE: name, HOST: '0.0.0.0' });
  });

  it('the Dockerfile runtime stage runs the chosen service as a non-root user', () => {
    const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^ARG SERVICE=/m);
    expect(runtime).toMatch(/^USER [1-9][0-9]*:[1-9][0-9]*$/m);
    expect(runtime).toContain('dist/apps/$SERVICE/src/main.js');
    // Only runtime dependencies ship: node_modules comes from the pruned stage.
    expect(dockerfile).toMatch(/^FROM install AS prod-deps\nRUN npm prune --omit=dev/m);
    expect(runtime).toMatch(/^COPY --from=prod-deps \/app\/node_modules /m);
  });
});
