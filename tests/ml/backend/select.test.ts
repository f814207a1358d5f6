/** Backend selection: order, reasons for skipping, forcing a backend, and `convirt backend`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BackendInfo } from '../../../src-shared/contract/system';
import { packageInstalled } from '../../../src-main/ml/backend/probe';
import { explainLoadFailure, selectBackend, useBackend } from '../../../src-main/ml/backend/select';
import { runCli } from '../../helpers/cli';

describe('backend selection', () => {
  it('tries tensorflow-gpu, tensorflow, wasm, cpu in order and activates the first that loads', async () => {
    const info = BackendInfo.parse(await selectBackend());
    assert.deepEqual(info.candidates.map((c) => c.name), ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    const first = info.candidates.findIndex((c) => c.available);
    assert.equal(info.chosen, info.candidates[first]!.name);
    for (const skipped of info.candidates.slice(0, first)) assert.ok(skipped.reason.length > 10, `${skipped.name} needs a reason`);
    assert.equal(tf.getBackend(), info.chosen === 'tensorflow-gpu' ? 'tensorflow' : info.chosen);
    assert.match(info.device, /^(CPU|GPU): /);
  });

  it('says "not installed" for a native package that npm left out', async () => {
    const info = await selectBackend();
    for (const [name, pkg] of [['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'], ['tensorflow', '@tensorflow/tfjs-node']] as const) {
      const candidate = info.candidates.find((c) => c.name === name)!;
      if (!packageInstalled(pkg)) assert.match(candidate.reason, /^not installed: /);
    }
  });

  it('names the missing CUDA or cuDNN library when the GPU package fails to load', () => {
    const cuda = Object.assign(new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory'), { code: 'ERR_DLOPEN_FAILED' });
    assert.match(explainLoadFailure('@tensorflow/tfjs-node-gpu', cuda), /^CUDA or cuDNN library not found: libcudart\.so\.11\.0/);
    const cudnn = new Error('libcudnn.so.8: cannot open shared object file');
    assert.match(explainLoadFailure('@tensorflow/tfjs-node-gpu', cudnn), /libcudnn\.so\.8/);
    const missing = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node-gpu'"), { code: 'MODULE_NOT_FOUND' });
    assert.equal(explainLoadFailure('@tensorflow/tfjs-node-gpu', missing), 'not installed: @tensorflow/tfjs-node-gpu');
    assert.match(explainLoadFailure('@tensorflow/tfjs-node', new Error('GLIBC_2.29 not found\nmore')), /^failed to load: GLIBC_2\.29 not found$/);
  });

  it('can be forced onto cpu or wasm for comparisons', async () => {
    await useBackend('cpu');
    assert.equal(tf.getBackend(), 'cpu');
    await useBackend('wasm');
    assert.equal(tf.getBackend(), 'wasm');
    const forced = await selectBackend({ only: 'cpu' });
    assert.equal(forced.chosen, 'cpu');
  });

  it('`convirt backend --json` prints the same shape, with a reason for every skipped backend', () => {
    const { status, stdout, stderr } = runCli(['backend', '--json']);
    assert.equal(status, 0, stderr);
    const info = BackendInfo.parse(JSON.parse(stdout));
    assert.ok(info.candidates.find((c) => c.name === info.chosen)?.available);
  });
});
