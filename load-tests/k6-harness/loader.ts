import { registerHooks } from 'node:module';

const REGISTRY = Symbol.for('ledgerline.k6-harness.modules');
const SCHEME = 'k6-harness:';

type Modules = Record<string, Record<string, unknown>>;

/**
 * Makes `import … from 'k6/http'` (and every other `k6*` id) resolve to the
 * harness's shims, in ESM and CommonJS alike. The shim module is generated
 * source that re-exports the object this process registered, so the script
 * and the harness share one runtime.
 */
export function installK6Modules(modules: Modules): void {
  (globalThis as Record<symbol, unknown>)[REGISTRY] = modules;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'k6' || specifier.startsWith('k6/')) {
        if (!(specifier in modules))
          throw new Error(`the k6 harness does not provide "${specifier}" (it provides ${Object.keys(modules).join(', ')})`);
        return { url: `${SCHEME}${specifier}`, format: 'module', shortCircuit: true };
      }
      if (/^https?:\/\//.test(specifier))
        throw new Error(`remote module "${specifier}": the k6 harness runs offline; vendor it next to the suite`);
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (!url.startsWith(SCHEME)) return nextLoad(url, context);
      const id = url.slice(SCHEME.length);
      const names = Object.keys(modules[id] ?? {}).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      const source = [
        `const m = globalThis[Symbol.for('ledgerline.k6-harness.modules')][${JSON.stringify(id)}];`,
        `export default ('default' in m ? m.default : m);`,
        ...names.map((n) => `export const ${n} = m.${n};`),
      ].join('\n');
      return { format: 'module', source, shortCircuit: true };
    },
  });
}
