/**
 * handleSummary for every suite: a short text summary on stdout, the full k6
 * summary as JSON and the thresholds and checks as JUnit XML (CI test reports),
 * under SUMMARY_DIR (default k6-results/) named after the suite and scenario.
 */
interface CheckNode {
  name: string;
  path: string;
  passes: number;
  fails: number;
}

interface GroupNode {
  name: string;
  groups: GroupNode[];
  checks: CheckNode[];
}

export interface SummaryData {
  root_group: GroupNode;
  state: { testRunDurationMs: number };
  metrics: Record<
    string,
    { type: string; contains?: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function checksOf(group: GroupNode): CheckNode[] {
  return [...group.checks, ...group.groups.flatMap(checksOf)];
}

export function junit(suite: string, data: SummaryData): string {
  const thresholdCases: string[] = [];
  let thresholdFailures = 0;
  for (const [metric, entry] of Object.entries(data.metrics)) {
    for (const [expression, { ok }] of Object.entries(entry.thresholds ?? {})) {
      if (!ok) thresholdFailures++;
      const name = xml(`${metric} ${expression}`);
      thresholdCases.push(
        ok
          ? `    <testcase classname="${xml(suite)}.thresholds" name="${name}"/>`
          : `    <testcase classname="${xml(suite)}.thresholds" name="${name}"><failure message="threshold crossed">${xml(JSON.stringify(entry.values))}</failure></testcase>`,
      );
    }
  }
  const checks = checksOf(data.root_group);
  const checkFailures = checks.filter((c) => c.fails > 0).length;
  const checkCases = checks.map((c) =>
    c.fails === 0
      ? `    <testcase classname="${xml(suite)}.checks" name="${xml(c.path)}"/>`
      : `    <testcase classname="${xml(suite)}.checks" name="${xml(c.path)}"><failure message="${c.fails} of ${c.passes + c.fails} failed"/></testcase>`,
  );
  const seconds = (data.state.testRunDurationMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="k6 ${xml(suite)}" tests="${thresholdCases.length + checkCases.length}" failures="${thresholdFailures + checkFailures}" time="${seconds}">`,
    `  <testsuite name="${xml(suite)} thresholds" tests="${thresholdCases.length}" failures="${thresholdFailures}">`,
    ...thresholdCases,
    '  </testsuite>',
    `  <testsuite name="${xml(suite)} checks" tests="${checkCases.length}" failures="${checkFailures}">`,
    ...checkCases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const round = (value: number | undefined) => (value === undefined ? '—' : String(Math.round(value * 100) / 100));

export function textSummary(suite: string, data: SummaryData): string {
  const lines = [`k6 ${suite}: ${round(data.state.testRunDurationMs / 1000)} s`];
  const checks = checksOf(data.root_group);
  const passes = checks.reduce((n, c) => n + c.passes, 0);
  const fails = checks.reduce((n, c) => n + c.fails, 0);
  lines.push(`  checks: ${passes} passed, ${fails} failed`);
  for (const [name, entry] of Object.entries(data.metrics).sort(([a], [b]) => a.localeCompare(b))) {
    const v = entry.values;
    const shown =
      entry.type === 'trend'
        ? `avg=${round(v.avg)} med=${round(v.med)} p(95)=${round(v['p(95)'])} p(99)=${round(v['p(99)'])} max=${round(v.max)}`
        : entry.type === 'rate'
          ? `rate=${round((v.rate ?? 0) * 100)} %`
          : entry.type === 'counter'
            ? `count=${round(v.count)} rate=${round(v.rate)}/s`
            : `value=${round(v.value)}`;
    const verdicts = Object.entries(entry.thresholds ?? {}).map(([expression, { ok }]) => `${ok ? '✓' : '✗'} ${expression}`);
    lines.push(`  ${name}: ${shown}${verdicts.length ? `   [${verdicts.join(', ')}]` : ''}`);
  }
  return lines.join('\n');
}

export function summaryOutputs(suite: string, data: SummaryData): Record<string, string> {
  const dir = (__ENV.SUMMARY_DIR || 'k6-results').replace(/\/+$/, '');
  return {
    stdout: textSummary(suite, data),
    [`${dir}/${suite}.json`]: JSON.stringify(data, null, 2),
    [`${dir}/${suite}.junit.xml`]: junit(suite, data),
  };
}
