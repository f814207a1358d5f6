/**
 * What the training job tells its listeners about the stages before the
 * contrastive one (ml/train/pre-stages.ts): the MLM warm-up's steps as
 * progress events (their own total, a message naming the stage and its loss)
 * with a log line at its first and last step, and where the image encoder
 * came from. Pure: the job emits what this returns.
 */
import type { JobEvent } from '../../src-shared/contract/events';
import type { PreStageEvent } from '../ml/train/pre-stages';

/** Starts the message of every warm-up progress event (the CLI shows these in their own bar). */
export const MLM_PROGRESS_MESSAGE = 'text warm-up (MLM)';

export function preStageJobEvents(event: PreStageEvent, base: { jobId: string; kind: string }): JobEvent[] {
  if (event.type === 'init') {
    return [{ type: 'log', ...base, level: 'info', message: `the image encoder starts from ${event.imageFrom} (${event.tensors} tensors, init.imageFrom)` }];
  }
  const events: JobEvent[] = [
    {
      type: 'progress',
      ...base,
      done: event.step,
      total: event.totalSteps,
      rate: event.segmentsPerSecond,
      etaSeconds: event.etaSeconds,
      message: `${MLM_PROGRESS_MESSAGE} loss ${event.loss.toFixed(3)}`,
    },
  ];
  if (event.step === 1) events.push({ type: 'log', ...base, level: 'info', message: `${MLM_PROGRESS_MESSAGE}: ${event.totalSteps} steps before the contrastive stage, first loss ${event.loss.toFixed(3)}` });
  if (event.step === event.totalSteps) events.push({ type: 'log', ...base, level: 'info', message: `${MLM_PROGRESS_MESSAGE} done: loss ${event.loss.toFixed(3)}` });
  return events;
}
