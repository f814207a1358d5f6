/**
 * The installer configuration, checked as far as this offline machine allows
 * (the Electron binary and Electron's headers cannot be downloaded here, so
 * `electron-builder` itself cannot run): electron-builder's own loader and
 * schema accept electron-builder.yml; the targets, icons and packed files are
 * the ones the README promises; everything the built main-process bundles
 * require is a production dependency (the only node_modules electron-builder
 * packs); and every production package that ships a native binary is
 * unpacked from the asar archive, where a native module cannot load.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { minimatch } from 'minimatch';

const ROOT = join(__dirname, '..', '..');

interface BuilderConfig {
  /** The loader turns the YAML list into [{ filter: [...] }]. */
  files: (string | { filter: string[] })[];
  asarUnpack: string[];
  extraMetadata: { main: string };
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  electronDist?: string;
}

interface AppBuilderConfigModule {
  getConfig(projectDir: string): Promise<BuilderConfig>;
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
}

// electron-builder's own loader and validator: the package builds with whatever they accept.
const builder = require('app-builder-lib/out/util/config/config') as AppBuilderConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };

async function loadConfig(): Promise<BuilderConfig> {
  return builder.getConfig(ROOT);
}

function filePatterns(config: BuilderConfig): string[] {
  return config.files.flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
}

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${path} is a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function filesUnder(dir: string, skip: (name: string) => boolean = () => false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (skip(name)) return [];
    return statSync(path).isDirectory() ? filesUnder(path, skip) : [path];
  });
}

test("electron-builder's loader and schema accept electron-builder.yml, and reject a misspelt option", async () => {
  const config = await loadConfig();
  await builder.validateConfiguration(config, new DebugLogger(false));
  await assert.rejects(builder.validateConfiguration({ ...config, asarUnpak: config.asarUnpack }, new DebugLogger(false)), /unknown property 'asarUnpak'/);
  assert.equal(config.electronDist, undefined, 'no machine-specific electronDist is committed; pass -c.electronDist=<folder> instead');
});

test('targets: AppImage and deb, NSIS, dmg', async () => {
  const config = await loadConfig();
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.deepEqual(config.mac.target, ['dmg']);
});

test('icons exist in resources at the sizes each platform needs', async () => {
  const config = await loadConfig();
  const linuxIcons = join(ROOT, config.linux.icon);
  const sized = readdirSync(linuxIcons).filter((f) => /^\d+x\d+\.png$/.test(f));
  for (const name of sized) {
    const [w, h] = name.replace('.png', '').split('x').map(Number);
    assert.deepEqual(pngSize(join(linuxIcons, name)), { width: w, height: h }, `${name} has the size its name says`);
  }
  for (const size of [16, 32, 48, 64, 128, 256, 512]) assert.ok(sized.includes(`${size}x${size}.png`), `linux icon ${size}x${size}`);
  // NSIS needs at least 256 px and the dmg's icns at least 512 px, square.
  for (const icon of [config.win.icon, config.mac.icon]) {
    const { width, height } = pngSize(join(ROOT, icon));
    assert.ok(width === height && width >= 512, `${icon} is square and at least 512 px (${width} x ${height})`);
  }
});

test('the packed files hold the built main, preload and renderer, and the entry point is the built Electron main', async () => {
  const config = await loadConfig();
  const files = filePatterns(config);
  for (const pattern of ['dist/main/**', 'dist/renderer/**', 'package.json']) assert.ok(files.includes(pattern), `files lists ${pattern}`);
  assert.equal(config.extraMetadata.main, packageJson.main);
  const packed = (path: string) => files.some((p) => !p.startsWith('!') && minimatch(path, p, { dot: true })) && !files.some((p) => p.startsWith('!') && minimatch(path, p.slice(1), { dot: true }));
  for (const built of [packageJson.main, 'dist/main/preload.js', 'dist/main/train-worker.js', 'dist/main/eval-worker.js', 'dist/renderer/index.html']) {
    assert.ok(existsSync(join(ROOT, built)), `${built} is missing: run \`npm run build\` first (npm test does)`);
    assert.ok(packed(built), `${built} is packed`);
  }
  assert.equal(packed('dist/main/electron-main.js.map'), false, 'source maps stay out of the installer');
});

test('every package the built main-process bundles require is a production dependency', () => {
  const production = new Set([...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.optionalDependencies ?? {})]);
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron']);
  const bundles = readdirSync(join(ROOT, 'dist', 'main')).filter((f) => f.endsWith('.js'));
  assert.ok(bundles.includes('electron-main.js'), 'dist/main is built');
  const required = new Set<string>();
  for (const bundle of bundles) {
    const text = readFileSync(join(ROOT, 'dist', 'main', bundle), 'utf8');
    for (const m of text.matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
      const spec = m[1]!;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!builtins.has(spec) && !builtins.has(name)) required.add(name);
    }
  }
  assert.ok(required.has('better-sqlite3'), `found the bundles' requires (${[...required].join(', ')})`);
  for (const name of required) assert.ok(production.has(name), `dist/main requires ${name}, which is not in dependencies or optionalDependencies, so the installer would lack it`);
});

/** Folder of `name` as Node resolves it from `fromDir` (nested node_modules first), or null when not installed. */
function resolvePackage(name: string, fromDir: string): string | null {
  for (let dir = fromDir; dir.startsWith(ROOT); dir = join(dir, '..')) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT) break;
  }
  return null;
}

/** The installed production dependency closure: what electron-builder packs into the app. */
function productionPackages(): string[] {
  const seen = new Set<string>();
  const visit = (deps: Record<string, string> | undefined, fromDir: string): void => {
    for (const name of Object.keys(deps ?? {})) {
      const dir = resolvePackage(name, fromDir);
      if (!dir || seen.has(dir)) continue;
      seen.add(dir);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      visit({ ...pkg.dependencies, ...pkg.optionalDependencies }, dir);
    }
  };
  visit({ ...packageJson.dependencies, ...packageJson.optionalDependencies }, ROOT);
  return [...seen];
}

test('every installed production package with a native binary is unpacked from the asar archive', async () => {
  const config = await loadConfig();
  const NATIVE = /\.(node|dll|dylib)$|\.so(\.\d+)*$/;
  const excluded = filePatterns(config).filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const natives = productionPackages().flatMap((dir) =>
    filesUnder(dir, (name) => name === 'node_modules')
      .map((f) => relative(ROOT, f))
      .filter((f) => NATIVE.test(f) && !excluded.some((glob) => minimatch(f, glob, { dot: true }))),
  );
  for (const expected of ['better-sqlite3', '@img/sharp-']) assert.ok(natives.some((f) => f.includes(expected)), `found ${expected}'s native binary among ${natives.length}`);
  for (const file of natives) assert.ok(config.asarUnpack.some((glob) => minimatch(file, glob, { dot: true })), `${file} is native but no asarUnpack glob covers it`);
});
