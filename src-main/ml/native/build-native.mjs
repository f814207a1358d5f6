#!/usr/bin/env node
/**
 * Builds the engine's native kernels (convirt-blas.c, a Node-API addon over
 * OpenBLAS) into .cache/native/convirt-blas.node:
 *   node src-main/ml/native/build-native.mjs
 * Needs a C compiler ($CC, else cc), Node's headers (node_api.h beside the
 * running node, else /usr/include/node) and OpenBLAS with its cblas.h (Debian:
 * gcc libopenblas-dev). Without them it says what is missing and exits 1 (0
 * with --optional, as `npm run build` calls it); the engine then keeps its
 * wasm kernels (src-main/ml/native/blas.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const optional = process.argv.includes('--optional');
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const out = join(root, '.cache', 'native', 'convirt-blas.node');

const headerDirs = [join(dirname(dirname(process.execPath)), 'include', 'node'), '/usr/include/node'];
const nodeHeaders = headerDirs.find((d) => existsSync(join(d, 'node_api.h')));
if (!nodeHeaders) {
  process.stderr.write(`build-native: node_api.h not found in ${headerDirs.join(' or ')} (Debian: apt install nodejs / libnode-dev)\n`);
  process.exit(optional ? 0 : 1);
}
const cc = process.env.CC ?? 'cc';
mkdirSync(dirname(out), { recursive: true });
// Written beside the target, then renamed: a running engine never loads a half-written file.
const partial = `${out}.${process.pid}.tmp`;
const argv = ['-O3', '-march=x86-64-v2', '-shared', '-fPIC', '-DNAPI_VERSION=8', '-DNODE_GYP_MODULE_NAME=convirt_blas', `-I${nodeHeaders}`, join(here, 'convirt-blas.c'), '-o', partial, '-lopenblas'];
if (process.arch !== 'x64') argv.splice(1, 1);
try {
  execFileSync(cc, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (error) {
  process.stderr.write(`build-native: ${cc} failed (${error.code ?? error.status}); needs a C compiler and OpenBLAS with cblas.h (Debian: gcc libopenblas-dev)\n`);
  process.exit(optional ? 0 : 1);
}
renameSync(partial, out);
process.stderr.write(`build-native: wrote ${out}\n`);
