/** The `system` service group: version, library location, ML backend. */
import { z } from 'zod';
import { method } from './method';

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

/** What the engine would run on, and why each better backend was skipped. */
export const BackendInfo = z.object({
  chosen: BackendName,
  device: z.string(),
  candidates: z.array(
    z.object({
      name: BackendName,
      available: z.boolean(),
      /** Why it is unavailable (or a note about it when available). */
      reason: z.string(),
    }),
  ),
});
export type BackendInfo = z.infer<typeof BackendInfo>;

export const SystemInfo = z.object({
  appName: z.string(),
  version: z.string(),
  libraryPath: z.string(),
  schemaVersion: z.number().int(),
  platform: z.string(),
  node: z.string(),
  door: z.enum(['electron', 'browser', 'cli']),
  ml: BackendInfo,
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemContract = {
  info: method(z.object({}).strict(), SystemInfo),
};
