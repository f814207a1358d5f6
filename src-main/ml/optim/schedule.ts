/**
 * Learning-rate schedules: pure functions of the step (0-based, counted in
 * optimizer steps across epochs) so a resumed run gets the same rates.
 */
import { z } from 'zod';

export const LrSchedule = z.discriminatedUnion('kind', [
  /** The paper: a constant rate. */
  z.object({ kind: z.literal('constant') }),
  /** Linear warm-up over warmupSteps, then cosine decay to minFactor * lr at totalSteps. */
  z.object({
    kind: z.literal('cosine'),
    warmupSteps: z.number().int().nonnegative().default(0),
    minFactor: z.number().min(0).max(1).default(0),
  }),
  /** Multiply by gamma every stepSize steps (torch StepLR). */
  z.object({ kind: z.literal('step'), stepSize: z.number().int().positive(), gamma: z.number().positive() }),
]);
export type LrSchedule = z.infer<typeof LrSchedule>;

export function learningRate(schedule: LrSchedule, baseLr: number, step: number, totalSteps: number): number {
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * schedule.gamma ** Math.floor(step / schedule.stepSize);
    case 'cosine': {
      if (step < schedule.warmupSteps) return (baseLr * (step + 1)) / schedule.warmupSteps;
      const span = Math.max(1, totalSteps - schedule.warmupSteps);
      const progress = Math.min(1, (step - schedule.warmupSteps) / span);
      const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
      return baseLr * (schedule.minFactor + (1 - schedule.minFactor) * cosine);
    }
  }
}
