/**
 * Long work reports through one event union keyed on `type`. Every event names
 * its job so a door can route it; none carries patient data.
 */
import { z } from 'zod';
import { AppErrorShape } from '../result';

const base = { jobId: z.string(), kind: z.string() };

export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), ...base, total: z.number().nullable() }),
  z.object({
    type: z.literal('progress'),
    ...base,
    done: z.number(),
    total: z.number().nullable(),
    /** Items per second over the recent window. */
    rate: z.number().nullable(),
    /** Seconds left, when the total is known. */
    etaSeconds: z.number().nullable(),
    message: z.string().optional(),
  }),
  z.object({ type: z.literal('metric'), ...base, name: z.string(), step: z.number(), value: z.number() }),
  z.object({ type: z.literal('log'), ...base, level: z.enum(['info', 'warn']), message: z.string() }),
  z.object({ type: z.literal('done'), ...base, summary: z.unknown() }),
  z.object({ type: z.literal('failed'), ...base, error: AppErrorShape }),
  z.object({ type: z.literal('cancelled'), ...base }),
  /** Training: one optimiser step finished. */
  z.object({
    type: z.literal('train-step'),
    ...base,
    epoch: z.number(),
    step: z.number(),
    totalSteps: z.number(),
    loss: z.number(),
    lr: z.number(),
    pairsPerSecond: z.number(),
    etaSeconds: z.number(),
    stepMs: z.number(),
    /** Time the step waited for its batch. */
    dataWaitMs: z.number(),
  }),
  /** Training: an epoch ended; its mean training loss and the validation loss (null without a validation split). */
  z.object({ type: z.literal('train-validation'), ...base, epoch: z.number(), trainLoss: z.number(), valLoss: z.number().nullable(), improved: z.boolean() }),
  /** Training: a checkpoint folder was written. */
  z.object({ type: z.literal('train-checkpoint'), ...base, epoch: z.number(), step: z.number(), path: z.string(), best: z.boolean() }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
