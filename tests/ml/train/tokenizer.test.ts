import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { VOCAB_FILE, runTokenizer } from '../../../src-main/ml/train/tokenizer';
import { tempDir } from '../../helpers/temp';
import { tinyConfig } from './tiny';

const reports = ['No pleural effusion. Heart size is normal.', 'Small left pleural effusion.', 'Right upper lobe opacity.'];

describe('run tokenizer', () => {
  it('learns a WordPiece vocabulary from the reports when there is no vocab file', () => {
    const config = tinyConfig({ text: { vocabSize: 60, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxTokens: 12 } });
    const { tokenizer, vocabText } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => reports });
    const lines = vocabText.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 5), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    assert.ok(lines.length <= 60);
    const { ids, mask } = tokenizer.encodeBatch(['pleural effusion'], 12);
    assert.equal(ids[0], tokenizer.cls);
    assert.ok(ids.slice(1, mask.reduce((a, b) => a + b, 0) - 1).every((id) => id !== tokenizer.unk), 'known words are not [UNK]');
  });

  it('a resumed run keeps the vocabulary saved in its checkpoint', () => {
    const checkpoint = tempDir();
    writeFileSync(join(checkpoint, VOCAB_FILE), '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nopacity\n');
    const { tokenizer } = runTokenizer(tinyConfig(), { resumeCheckpoint: checkpoint, reportTexts: () => reports });
    assert.equal(tokenizer.vocabSize, 6);
    assert.equal(tokenizer.encodeBatch(['opacity'], 4).ids[1], 5);
  });
});
