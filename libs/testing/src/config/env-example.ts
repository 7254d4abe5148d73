import { readFileSync } from 'node:fs';

/**
 * What an app's `.env.example` says against what its config loader reads:
 * `sameAsDefaults`, the example's values load to the same config as an empty
 * env (the shown values are the defaults); `undocumented`, variables the
 * config holds that the example does not name (`# NAME=` counts, for
 * optional variables without a default).
 */
export function checkEnvExample(
  path: string,
  load: (env: NodeJS.ProcessEnv) => object,
): { sameAsDefaults: boolean; undocumented: string[] } {
  const values: Record<string, string> = {};
  const documented = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const assignment = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!assignment) continue;
    const [, commented, name, value] = assignment as unknown as [string, string | undefined, string, string];
    documented.add(name);
    if (!commented) values[name] = value;
  }
  const defaults = load({});
  const variables = Object.keys(defaults).filter((key) => /^[A-Z][A-Z0-9_]*$/.test(key));
  return {
    sameAsDefaults: JSON.stringify(load(values)) === JSON.stringify(defaults),
    undocumented: variables.filter((name) => !documented.has(name)),
  };
}
