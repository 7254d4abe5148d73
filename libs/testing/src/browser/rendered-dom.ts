import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's package (`apt-get install chromium`; the e2e setup installs it and sets CHROMIUM_BIN). */
const chromium = () => process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The DOM after headless Chromium parsed, ran and laid out the page (SVG elements land in the SVG namespace). */
export async function renderedDom(url: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-dom-'));
  try {
    const { stdout } = await promisify(execFile)(
      chromium(),
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, '--dump-dom', url],
      { timeout: 60_000, maxBuffer: 16 * 1_048_576 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
