/**
 * A 2-layer BERT against PyTorch with Hugging Face BertModel's math
 * (tests/fixtures/golden/make_golden.py): last hidden states and max-pooled
 * sentence vectors for a padded batch, and gradients of sum(pooled * probe)
 * (the embedding gather's gradient is UnsortedSegmentSum), on cpu and wasm.
 * The file holds BertModel names (no "bert." prefix, pooler, position_ids).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { createBert } from '../../../src-main/ml/models/bert';
import { loadBertWeights } from '../../../src-main/ml/weights/pretrained';
import { assertClose, goldenPath, goldenTensor, readGolden } from '../helpers/golden';

const CONFIG = { vocabSize: 60, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 64, maxPositions: 16 };

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`BERT golden fixtures on ${backend}`, () => {
    const io = readGolden('bert-tiny.io.safetensors');

    function setup() {
      const model = createBert(CONFIG);
      const report = loadBertWeights(model, goldenPath('bert-tiny.weights.safetensors'));
      assert.ok(report.ignored.includes('pooler.dense.weight') && report.ignored.includes('embeddings.position_ids'));
      const ids = tf.cast(goldenTensor(io, 'input_ids'), 'int32') as tf.Tensor2D;
      const mask = goldenTensor(io, 'attention_mask') as tf.Tensor2D;
      return { model, ids, mask };
    }

    it('hidden states and max-pooled vectors match Hugging Face BertModel', async () => {
      await useBackend(backend);
      const { model, ids, mask } = setup();
      tf.tidy(() => {
        const { sequence, pooled } = model.apply(ids, mask, false);
        assertClose(sequence, io.get('sequence')!, 'sequence');
        assertClose(pooled, io.get('pooled')!, 'pooled');
      });
      tf.dispose([ids, mask]);
      model.dispose();
    });

    it('gradients through attention, GELU, LayerNorm and the embedding gather match PyTorch', async () => {
      await useBackend(backend);
      const { model, ids, mask } = setup();
      const probe = goldenTensor(io, 'probe');
      const names = [...io.keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice(5));
      const variables = names.map((n) => model.params.get(`bert.${n}`)!);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(ids, mask, false).pooled, probe)) as tf.Scalar, variables);
      names.forEach((name, i) => {
        const g = grads[variables[i]!.name]!;
        const torchLayout = model.state.entries.get(`bert.${name}`)!.layout === 'linear' ? tf.transpose(g) : g;
        assertClose(torchLayout, io.get(`grad.${name}`)!, `d/d${name}`, 2e-4);
      });
      tf.dispose([grads, ids, mask, probe]);
      model.dispose();
    });
  });
}
