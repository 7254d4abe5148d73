import { DEMO_JS } from './client';
import { DEMO_CSS, DEMO_HTML } from './page';

describe('demo page assets', () => {
  it('ships JavaScript that parses', () => {
    // Parsing only: the function is never called (it needs a browser).
    expect(() => new Function(DEMO_JS)).not.toThrow();
  });

  it('has every element the script looks up by id', () => {
    const ids = new Set([...DEMO_JS.matchAll(/\$\('([a-z-]+)'\)/g)].map((m) => m[1]));
    expect(ids.size).toBeGreaterThan(10);
    for (const id of ids) expect(DEMO_HTML).toContain(`id="${id}"`);
  });

  it('loads nothing from elsewhere and nothing inline (the page CSP allows only its own files)', () => {
    expect(DEMO_HTML).not.toMatch(/https?:\/\//);
    expect(DEMO_CSS).not.toMatch(/https?:\/\/|@import/);
    expect(DEMO_HTML).not.toMatch(/<script>|<style|style="|\son[a-z]+=/);
  });

  it('labels every form control', () => {
    const controls = DEMO_HTML.match(/<(input|select)\b/g) ?? [];
    const labelled = DEMO_HTML.match(/<label>[^<]*<(input|select)\b/g) ?? [];
    expect(labelled.length).toBe(controls.length);
  });
});
