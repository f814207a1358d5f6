// Bundles src-main (CLI, Electron main, preload, start) into dist/main.
// Dependencies stay external (native modules and tfjs load from node_modules),
// except in the preload, which runs sandboxed and must be one self-contained file.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// tfjs-core's CommonJS entry lacks the gradient and chained-op registrations,
// which exist only as ES modules under dist/. Bundle those deep imports; they
// register into tfjs's global registries, shared with the external tfjs-core.
const bundleTfjsDeepImports = {
  name: 'bundle-tfjs-deep-imports',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs-core\/dist\// }, (args) => ({ path: require.resolve(`${args.path}.js`) }));
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    packages: 'external',
    plugins: [bundleTfjsDeepImports],
    entryPoints: {
      cli: 'src-main/cli/bin.ts',
      start: 'src-main/start.ts',
      'electron-main': 'src-main/electron/main.ts',
      // Forked by jobs/train-job.ts; found beside the bundle as train-worker.js.
      'train-worker': 'src-main/jobs/train-worker.ts',
      // Forked by jobs/eval-job.ts; found beside the bundle as eval-worker.js.
      'eval-worker': 'src-main/jobs/eval-worker.ts',
      // Worker threads of the training worker's augmentation pool (ml/train/augment-pool.ts).
      'augment-worker': 'src-main/ml/train/augment-worker.ts',
      // Worker thread of the archive map's UMAP layout (search/map-thread.ts).
      'map-worker': 'src-main/search/map-worker.ts',
    },
    outdir: 'dist/main',
  }),
  build({ ...common, external: ['electron'], entryPoints: { preload: 'src-main/electron/preload.ts' }, outdir: 'dist/main' }),
]);
chmodSync('dist/main/cli.js', 0o755);
