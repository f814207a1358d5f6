// Bundles src-main (CLI, Electron main, preload, start) into dist/main.
// Dependencies stay external (native modules and tfjs load from node_modules),
// except in the preload, which runs sandboxed and must be one self-contained file.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    packages: 'external',
    entryPoints: {
      cli: 'src-main/cli/bin.ts',
      start: 'src-main/start.ts',
      'electron-main': 'src-main/electron/main.ts',
    },
    outdir: 'dist/main',
  }),
  build({ ...common, external: ['electron'], entryPoints: { preload: 'src-main/electron/preload.ts' }, outdir: 'dist/main' }),
]);
chmodSync('dist/main/cli.js', 0o755);
