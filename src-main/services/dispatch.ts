/**
 * The single place where a channel call becomes a service call: every door
 * (Electron IPC, the browser bridge, the CLI) goes through here, so input and
 * output validation and error-to-value conversion happen exactly once.
 */
import { lookupChannel, type ServiceImpl } from '../../src-shared/contract/index';
import { AppError, err, ok, type Result } from '../../src-shared/result';
import { storageError } from '../db/errors';
import { log } from '../log';

export type Dispatch = (channel: string, payload: unknown) => Promise<Result<unknown>>;

export function createDispatcher(services: ServiceImpl): Dispatch {
  return async (channel, payload) => {
    const found = lookupChannel(channel);
    if (!found) {
      log.warn('dispatch.unknown_channel', { length: channel.length });
      return err('unknown_channel', `Unknown channel "${channel.slice(0, 80)}".`);
    }
    const input = found.spec.input.safeParse(payload ?? {});
    if (!input.success) {
      log.warn('dispatch.bad_request', { channel });
      return err('bad_request', `Malformed payload for ${channel}.`, {
        issues: input.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    try {
      const impl = (services as unknown as Record<string, Record<string, (i: unknown) => unknown>>)[found.group]![found.method]!;
      const value = await impl(input.data);
      const output = found.spec.output.safeParse(value);
      if (!output.success) {
        log.error('dispatch.bad_response', { channel });
        return err('internal', `The ${channel} service returned a malformed response.`);
      }
      return ok(output.data);
    } catch (thrown) {
      const cause = storageError(thrown, 'the library') ?? thrown;
      if (cause instanceof AppError) {
        log.warn('dispatch.error', { channel, code: cause.code });
        return err(cause.code, cause.message, cause.details);
      }
      log.error('dispatch.exception', { channel, name: (cause as Error)?.name ?? 'unknown' });
      return err('internal', `Internal error in ${channel}: ${(cause as Error)?.message ?? String(cause)}`);
    }
  };
}
