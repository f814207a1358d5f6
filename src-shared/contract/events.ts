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
]);
export type JobEvent = z.infer<typeof JobEvent>;
