/**
 * Models built from typed configs: torchvision's parameter counts and names for
 * full-size ResNets, width multiplier, BERT's names, sizes and freezing.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { createBert } from '../../../src-main/ml/models/bert';
import { BertConfig } from '../../../src-main/ml/models/bert-config';
import { createResNet } from '../../../src-main/ml/models/resnet';
import { ResNetConfig } from '../../../src-main/ml/models/resnet-config';

const count = (m: Map<string, tf.Variable>) => [...m.values()].reduce((n, v) => n + v.size, 0);

describe('models from typed configs', () => {
  before(async () => {
    await useBackend('wasm');
  });

  // torchvision's counts for resnet18/34/50 minus the 1000-class fc layer.
  for (const [depth, params, features] of [
    [18, 11_689_512 - 513_000, 512],
    [34, 21_797_672 - 513_000, 512],
    [50, 25_557_032 - 2_049_000, 2048],
  ] as const) {
    it(`ResNet-${depth} with 3-channel input has torchvision's ${params} parameters and ${features} features`, () => {
      const model = createResNet({ depth, inputChannels: 3 });
      assert.equal(count(model.params), params);
      assert.equal(model.features, features);
      assert.ok(model.params.has('layer4.1.conv2.weight'));
      assert.ok(model.buffers.has('layer1.0.bn1.running_mean'));
      if (depth === 50) assert.deepEqual(model.params.get('layer4.2.conv3.weight')!.shape, [1, 1, 512, 2048]);
      model.dispose();
    });
  }

  it('ResNet width multiplier scales every stage; the output is [N, features]', () => {
    const model = createResNet({ depth: 18, widthMultiplier: 0.25 });
    assert.deepEqual(model.params.get('conv1.weight')!.shape, [7, 7, 1, 16]);
    assert.deepEqual(model.params.get('layer4.0.downsample.0.weight')!.shape, [1, 1, 64, 128]);
    const out = tf.tidy(() => model.apply(tf.zeros([3, 64, 48, 1]) as tf.Tensor4D, false).shape);
    assert.deepEqual(out, [3, 128]);
    assert.throws(() => model.apply(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D, false), /1 input channel/);
    model.dispose();
  });

  it('rejects configs the models cannot build', () => {
    assert.equal(ResNetConfig.safeParse({ depth: 101 }).success, false);
    assert.equal(BertConfig.safeParse({ vocabSize: 10, hiddenSize: 30, numLayers: 2, numHeads: 4, intermediateSize: 8 }).success, false);
    assert.equal(BertConfig.safeParse({ vocabSize: 10, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 8, frozenLayers: 3 }).success, false);
  });

  it('BERT has Hugging Face names and sizes; embeddings and the first k layers are frozen', () => {
    const model = createBert({ vocabSize: 100, hiddenSize: 32, numLayers: 3, numHeads: 4, intermediateSize: 64, maxPositions: 20, freezeEmbeddings: true, frozenLayers: 2 });
    const perLayer = 4 * (32 * 32 + 32) + 2 * 2 * 32 + (32 * 64 + 64) + (64 * 32 + 32);
    const embeddings = (100 + 20 + 2) * 32 + 2 * 32;
    assert.equal(count(model.params), embeddings + 3 * perLayer);
    assert.equal(count(model.trainable), perLayer);
    assert.ok([...model.trainable.keys()].every((n) => n.startsWith('bert.encoder.layer.2.')));
    assert.deepEqual(model.params.get('bert.encoder.layer.0.intermediate.dense.weight')!.shape, [32, 64]);
    const ids = tf.tensor2d([[2, 7, 9, 3, 0]], undefined, 'int32');
    const { grads } = tf.variableGrads(() => tf.sum(model.apply(ids, tf.tensor2d([[1, 1, 1, 1, 0]]), true, 1).pooled) as tf.Scalar);
    const trainableIds = new Set([...model.trainable.values()].map((v) => v.name));
    assert.deepEqual(new Set(Object.keys(grads)), trainableIds);
    tf.dispose([ids, grads]);
    model.dispose();
  });

  it('BERT max-pooling ignores padding, and dropout is seeded per call', () => {
    const model = createBert({ vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxPositions: 8 });
    tf.tidy(() => {
      const ids = tf.tensor2d([[2, 5, 3, 0, 0]], undefined, 'int32');
      const mask = tf.tensor2d([[1, 1, 1, 0, 0]]);
      const { sequence, pooled } = model.apply(ids, mask, false);
      const expected = tf.max(tf.slice(sequence, [0, 0, 0], [1, 3, 16]), 1);
      assert.deepEqual(Array.from(pooled.dataSync()), Array.from(expected.dataSync()));
      const a = model.apply(ids, mask, true, 7).pooled.dataSync();
      const b = model.apply(ids, mask, true, 7).pooled.dataSync();
      const c = model.apply(ids, mask, true, 8).pooled.dataSync();
      assert.deepEqual(Array.from(a), Array.from(b));
      assert.notDeepEqual(Array.from(a), Array.from(c));
    });
    model.dispose();
  });
});
