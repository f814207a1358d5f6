/** The training job's events for the stages before the contrastive one: MLM warm-up progress with its own total, log lines, the image encoder's source. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobEvent } from '../../src-shared/contract/events';
import { MLM_PROGRESS_MESSAGE, preStageJobEvents } from '../../src-main/jobs/pre-stage-events';

const base = { jobId: 'pretrain-3', kind: 'pretrain' };
const mlm = (step: number) => ({ type: 'mlm' as const, step, totalSteps: 300, loss: 6.5 - step / 100, lr: 5e-4, segmentsPerSecond: 40, etaSeconds: (300 - step) * 0.8 });

describe('pre-stage job events', () => {
  it('a warm-up step is progress on its own total, with the stage and loss in the message', () => {
    const events = preStageJobEvents(mlm(150), base);
    assert.deepEqual(events, [{ type: 'progress', ...base, done: 150, total: 300, rate: 40, etaSeconds: 120, message: `${MLM_PROGRESS_MESSAGE} loss 5.000` }]);
    for (const e of events) JobEvent.parse(e);
  });

  it('the first and last warm-up steps also log a line', () => {
    assert.match((preStageJobEvents(mlm(1), base)[1] as { message: string }).message, /300 steps before the contrastive stage, first loss 6\.490/);
    assert.match((preStageJobEvents(mlm(300), base)[1] as { message: string }).message, /done: loss 3\.500/);
    assert.equal(preStageJobEvents(mlm(2), base).length, 1);
  });

  it('says where the image encoder came from', () => {
    const [event] = preStageJobEvents({ type: 'init', imageFrom: '/runs/7/checkpoints/step-0000120', tensors: 122 }, base);
    assert.deepEqual(JobEvent.parse(event), { type: 'log', ...base, level: 'info', message: 'the image encoder starts from /runs/7/checkpoints/step-0000120 (122 tensors, init.imageFrom)' });
  });
});
