/** Loading and saving model weights by PyTorch name, and the errors for weights that do not fit. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { useBackend } from '../../../src-main/ml/backend/select';
import { createBert } from '../../../src-main/ml/models/bert';
import { createResNet } from '../../../src-main/ml/models/resnet';
import { huggingFaceBertName, loadBertWeights, loadResNetWeights } from '../../../src-main/ml/weights/pretrained';
import { readSafetensors, writeSafetensors } from '../../../src-main/ml/weights/safetensors';
import { exportStateDict, loadStateDict, saveSafetensorsFrom } from '../../../src-main/ml/weights/state-dict';
import { goldenPath } from '../helpers/golden';
import { tempDir } from '../../helpers/temp';

const RESNET = { depth: 18, widthMultiplier: 0.125 } as const;

describe('state dicts', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('saves in PyTorch layout and loads back to the same features', () => {
    const a = createResNet(RESNET, { seed: 1 });
    const b = createResNet(RESNET, { seed: 2 });
    const path = join(tempDir(), 'resnet.safetensors');
    saveSafetensorsFrom(a.state, path, { note: 'test' });
    const file = readSafetensors(path);
    assert.deepEqual(file.tensors.get('conv1.weight')!.shape, [8, 1, 7, 7]);
    assert.deepEqual(file.tensors.get('layer2.0.downsample.1.running_var')!.shape, [16]);
    assert.equal(file.metadata.note, 'test');
    loadResNetWeights(b, path);
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    tf.tidy(() => assert.deepEqual(Array.from(b.apply(x, false).dataSync()), Array.from(a.apply(x, false).dataSync())));
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });

  it('names every missing, unexpected and mis-shaped key, and changes nothing', () => {
    const model = createResNet(RESNET, { seed: 3 });
    const tensors = readSafetensors(goldenPath('resnet18-w0.125.weights.safetensors')).tensors;
    tensors.delete('layer3.1.bn2.running_mean');
    tensors.set('layer9.0.conv1.weight', { shape: [1], data: new Float32Array(1), dtype: 'F32' });
    tensors.set('layer1.0.conv2.weight', { shape: [8, 8, 5, 5], data: new Float32Array(1600), dtype: 'F32' });
    const before = model.params.get('conv1.weight')!.dataSync().slice();
    assert.throws(
      () => loadStateDict(model.state, tensors, 'broken.safetensors', { ignore: [/^fc\./, /num_batches_tracked$/] }),
      (e: unknown) =>
        e instanceof AppError &&
        e.message.includes('broken.safetensors') &&
        e.message.includes('missing 1 (layer3.1.bn2.running_mean)') &&
        e.message.includes('unexpected 1 (layer9.0.conv1.weight)') &&
        e.message.includes('layer1.0.conv2.weight: file [8, 8, 5, 5], model [8, 8, 3, 3]'),
    );
    assert.deepEqual(model.params.get('conv1.weight')!.dataSync(), before);
    model.dispose();
  });

  it('reads Hugging Face BERT names with or without "bert.", and old gamma/beta LayerNorm names', () => {
    assert.equal(huggingFaceBertName('embeddings.LayerNorm.gamma'), 'bert.embeddings.LayerNorm.weight');
    assert.equal(huggingFaceBertName('bert.encoder.layer.3.output.LayerNorm.beta'), 'bert.encoder.layer.3.output.LayerNorm.bias');
    const model = createBert({ vocabSize: 60, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 64, maxPositions: 16 });
    const file = readSafetensors(goldenPath('bert-tiny.weights.safetensors')).tensors;
    const renamed = new Map([...file].map(([k, v]) => [k.startsWith('embeddings.LayerNorm') ? k.replace('weight', 'gamma').replace('bias', 'beta') : `bert.${k}`, v]));
    renamed.set('cls.predictions.bias', { shape: [60], data: new Float32Array(60), dtype: 'F32' });
    const path = join(tempDir(), 'bert.safetensors');
    writeSafetensors(path, renamed);
    const report = loadBertWeights(model, path);
    assert.equal(report.loaded.length, model.state.entries.size);
    assert.ok(report.ignored.includes('cls.predictions.bias'));
    const exported = exportStateDict(model.state);
    assert.deepEqual(Array.from(exported.get('bert.encoder.layer.1.attention.self.key.weight')!.data), Array.from(file.get('encoder.layer.1.attention.self.key.weight')!.data));
    model.dispose();
  });
});
