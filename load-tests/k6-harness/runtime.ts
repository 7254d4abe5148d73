import { MetricRegistry } from './metrics';
import { SyncHttp } from './sync-http';

export interface CheckNode {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface GroupNode {
  name: string;
  path: string;
  id: string;
  groups: GroupNode[];
  checks: CheckNode[];
}

/** Where the script is: k6's execution context (scenario, VU, iteration, group). */
export interface Position {
  scenario: string;
  executor: string;
  vu: number;
  /** The VU's own iteration count (`__ITER`). */
  vuIteration: number;
  iterationInScenario: number;
}

const groupNode = (name: string, path: string): GroupNode => ({ name, path, id: path, groups: [], checks: [] });

/** Everything the k6 module shims share during one run. */
export class Runtime {
  readonly metrics = new MetricRegistry();
  readonly http = new SyncHttp();
  readonly rootGroup = groupNode('', '');
  readonly startedAt = Date.now();
  readonly errors: string[] = [];
  position: Position = { scenario: '', executor: '', vu: 0, vuIteration: 0, iterationInScenario: 0 };
  private groupStack: GroupNode[] = [this.rootGroup];

  constructor(readonly env: Record<string, string>) {
    const builtins: Array<[string, 'counter' | 'rate' | 'trend', boolean]> = [
      ['http_reqs', 'counter', false],
      ['http_req_duration', 'trend', true],
      ['http_req_failed', 'rate', false],
      ['checks', 'rate', false],
      ['iterations', 'counter', false],
      ['iteration_duration', 'trend', true],
      ['group_duration', 'trend', true],
      ['data_received', 'counter', false],
      ['data_sent', 'counter', false],
      // Defined so thresholds on them parse; an open model never drops here (iterations run one by one).
      ['dropped_iterations', 'counter', false],
    ];
    for (const [name, type, isTime] of builtins) this.metrics.define(name, type, isTime);
    this.metrics.define('vus', 'gauge');
  }

  get group(): GroupNode {
    return this.groupStack.at(-1) as GroupNode;
  }

  /** Tags every sample carries: scenario and group, as in k6. */
  tags(): Record<string, string> {
    return this.position.scenario ? { scenario: this.position.scenario, group: this.group.path } : { group: this.group.path };
  }

  enterGroup(name: string): void {
    const parent = this.group;
    const path = `${parent.path}::${name}`;
    let node = parent.groups.find((g) => g.name === name);
    if (!node) {
      node = groupNode(name, path);
      parent.groups.push(node);
    }
    this.groupStack.push(node);
  }

  leaveGroup(): void {
    if (this.groupStack.length > 1) this.groupStack.pop();
  }

  /** Leaves every group an exception unwound past. */
  resetGroups(): void {
    this.groupStack = [this.rootGroup];
  }

  recordCheck(name: string, ok: boolean): void {
    const group = this.group;
    let node = group.checks.find((c) => c.name === name);
    if (!node) {
      node = { name, path: `${group.path}::${name}`, id: `${group.path}::${name}`, passes: 0, fails: 0 };
      group.checks.push(node);
    }
    if (ok) node.passes++;
    else node.fails++;
  }

  /** Every check that failed at least once, with its group path. */
  failedChecks(group: GroupNode = this.rootGroup): CheckNode[] {
    return [...group.checks.filter((c) => c.fails > 0), ...group.groups.flatMap((g) => this.failedChecks(g))];
  }
}
