/**
 * ResNet-18 (width 1/8) and ResNet-50 (width 1/16) against PyTorch
 * (tests/fixtures/golden/make_golden.py): eval and train forward passes,
 * running statistics after one train-mode pass, and gradients of
 * sum(features * probe) with respect to the input and to parameters, on the
 * cpu and wasm backends, weights loaded by torchvision name from safetensors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { createResNet, type ResNet } from '../../../src-main/ml/models/resnet';
import type { ResNetConfigInput } from '../../../src-main/ml/models/resnet-config';
import { loadResNetWeights } from '../../../src-main/ml/weights/pretrained';
import { assertClose, goldenPath, goldenTensor, readGolden } from '../helpers/golden';

const CASES: Array<{ stem: string; config: ResNetConfigInput }> = [
  { stem: 'resnet18-w0.125', config: { depth: 18, widthMultiplier: 0.125 } },
  { stem: 'resnet50-w0.0625', config: { depth: 50, widthMultiplier: 0.0625 } },
];

function loaded(stem: string, config: ResNetConfigInput): ResNet {
  const model = createResNet(config);
  const report = loadResNetWeights(model, goldenPath(`${stem}.weights.safetensors`));
  assert.ok(report.ignored.includes('fc.weight') && report.ignored.some((k) => k.endsWith('num_batches_tracked')));
  return model;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`ResNet golden fixtures on ${backend}`, () => {
    for (const { stem, config } of CASES) {
      const io = readGolden(`${stem}.io.safetensors`);

      it(`${stem}: eval and train forward passes and running statistics match PyTorch`, async () => {
        await useBackend(backend);
        const model = loaded(stem, config);
        const x = goldenTensor(io, 'input') as tf.Tensor4D;
        tf.tidy(() => assertClose(model.apply(x, false), io.get('output.eval')!, `${stem} eval`));
        tf.tidy(() => assertClose(model.apply(x, true), io.get('output.train')!, `${stem} train`));
        for (const [name, buffer] of model.buffers) assertClose(buffer, io.get(`after_train.${name}`)!, `${stem} ${name} after train`);
        x.dispose();
        model.dispose();
      });

      it(`${stem}: train-mode gradients match PyTorch`, async () => {
        await useBackend(backend);
        const model = loaded(stem, config);
        const x = goldenTensor(io, 'input') as tf.Tensor4D;
        const probe = goldenTensor(io, 'probe');
        const objective = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input as tf.Tensor4D, true), probe)) as tf.Scalar;
        const dx = tf.grad(objective)(x);
        assertClose(dx, io.get('grad.input')!, `${stem} d/dinput`, 2e-4);
        dx.dispose();
        const names = [...io.keys()].filter((k) => k.startsWith('grad.') && k !== 'grad.input').map((k) => k.slice(5));
        const variables = names.map((n) => model.params.get(n)!);
        const { grads } = tf.variableGrads(() => objective(x), variables);
        names.forEach((name, i) => {
          const g = grads[variables[i]!.name]!;
          const torchLayout = model.state.entries.get(name)!.layout === 'conv2d' ? tf.transpose(g, [3, 2, 0, 1]) : g;
          assertClose(torchLayout, io.get(`grad.${name}`)!, `${stem} d/d${name}`, 2e-4);
        });
        tf.dispose([grads, x, probe]);
        model.dispose();
      });
    }

    it('folds 3-channel stem weights to 1 channel: same features as the RGB network on a gray image', async () => {
      await useBackend(backend);
      const io = readGolden('resnet18-w0.125-rgb.io.safetensors');
      const model = createResNet({ depth: 18, widthMultiplier: 0.125, inputChannels: 1 });
      const report = loadResNetWeights(model, goldenPath('resnet18-w0.125-rgb.weights.safetensors'));
      assert.deepEqual(report.folded, ['conv1.weight']);
      tf.tidy(() => assertClose(model.apply(goldenTensor(io, 'input') as tf.Tensor4D, false), io.get('output.eval')!, 'folded RGB stem'));
      model.dispose();
    });
  });
}
