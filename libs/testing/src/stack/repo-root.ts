import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root, found from this file whether it runs from source or from dist/. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ledgerline') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No ledgerline package.json above ${from}`);
    dir = parent;
  }
}
