/**
 * The MLM head and loss against PyTorch (tests/fixtures/golden-mlm/make_golden.py):
 * Hugging Face BertForMaskedLM's head (dense -> GELU -> LayerNorm -> decoder
 * tied to the word embeddings + bias) and F.cross_entropy with ignore_index,
 * on the tiny golden BERT's hidden states; then the whole path from token ids
 * through the BERT encoder, on cpu and wasm.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { MlmHead, mlmCrossEntropy, mlmLoss } from '../../../src-main/ml/mlm/mlm-head';
import { createBert } from '../../../src-main/ml/models/bert';
import { loadBertWeights } from '../../../src-main/ml/weights/pretrained';
import type { FloatTensor } from '../../../src-main/ml/weights/safetensors';
import { loadStateDict } from '../../../src-main/ml/weights/state-dict';
import { assertClose, goldenPath, goldenTensor, readGolden } from '../helpers/golden';

interface Golden {
  head: Record<string, { shape: number[]; data: number[] }>;
  labels: number[];
  logits: number[];
  loss: number;
  grad: Record<string, number[]>;
}

const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'golden-mlm', 'golden.json'), 'utf8')) as Golden;
const CONFIG = { vocabSize: 60, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 64, maxPositions: 16 };

function setup() {
  const bert = createBert(CONFIG);
  loadBertWeights(bert, goldenPath('bert-tiny.weights.safetensors'));
  const head = new MlmHead(bert, 1);
  const tensors = new Map<string, FloatTensor>(Object.entries(golden.head).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data), dtype: 'F32' }]));
  loadStateDict(head.state, tensors, 'golden-mlm/golden.json');
  const positions = golden.labels.flatMap((label, i) => (label === -100 ? [] : [i]));
  const labels = positions.map((i) => golden.labels[i]!);
  return { bert, head, positions: tf.tensor1d(positions, 'int32'), labels: tf.tensor1d(labels, 'int32') };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MLM golden fixtures on ${backend}`, () => {
    const io = readGolden('bert-tiny.io.safetensors');

    it('logits, loss and gradients of the tied head match PyTorch on fixed hidden states', async () => {
      await useBackend(backend);
      const { bert, head, positions, labels } = setup();
      const sequence = goldenTensor(io, 'sequence') as tf.Tensor3D;
      const [n, t, h] = sequence.shape;
      const hidden = (s: tf.Tensor) => tf.gather(tf.reshape(s, [n * t, h]), positions) as tf.Tensor2D;
      tf.tidy(() => assertClose(head.apply(hidden(sequence)), Float32Array.from(golden.logits), 'logits'));
      const names = ['bert.embeddings.word_embeddings.weight', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.bias'];
      const variables = names.map((name) => (name.startsWith('bert.') ? bert.state.get(name) : head.state.get(name)));
      const { value, grads } = tf.variableGrads(() => mlmCrossEntropy(head.apply(hidden(sequence)), labels), variables);
      assert.ok(Math.abs(value.dataSync()[0]! - golden.loss) < 1e-5, `loss ${value.dataSync()[0]} vs ${golden.loss}`);
      names.forEach((name, i) => {
        const g = grads[variables[i]!.name]!;
        const torchLayout = name.endsWith('dense.weight') ? tf.transpose(g) : g;
        assertClose(torchLayout, Float32Array.from(golden.grad[name]!), `d/d${name}`, 2e-4);
      });
      const dSequence = tf.grad((s: tf.Tensor) => mlmCrossEntropy(head.apply(hidden(s)), labels))(sequence);
      assertClose(dSequence, Float32Array.from(golden.grad['sequence']!), 'd/dsequence', 2e-4);
      tf.dispose([value, grads, dSequence, sequence, positions, labels]);
      head.dispose();
      bert.dispose();
    });

    it('from token ids through BERT (eval mode) the loss matches PyTorch', async () => {
      await useBackend(backend);
      const { bert, head, positions, labels } = setup();
      const ids = tf.cast(goldenTensor(io, 'input_ids'), 'int32') as tf.Tensor2D;
      const mask = goldenTensor(io, 'attention_mask') as tf.Tensor2D;
      const loss = mlmLoss(bert, head, ids, mask, positions, labels, false);
      assert.ok(Math.abs(loss.dataSync()[0]! - golden.loss) < 1e-4, `loss ${loss.dataSync()[0]} vs ${golden.loss}`);
      tf.dispose([loss, ids, mask, positions, labels]);
      head.dispose();
      bert.dispose();
    });
  });
}
