/**
 * Why a file did not make it into the library. Every rejected file is stored
 * with one of these reasons and a human-readable detail (never patient data).
 */
import { AppError } from '../../src-shared/result';

export const REJECTION_REASONS = ['not_dicom', 'truncated', 'unsupported_transfer_syntax', 'no_pixel_data', 'unreadable'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export class RejectedFile extends AppError {
  constructor(
    readonly reason: RejectionReason,
    readonly detail: string,
    path?: string,
  ) {
    super('bad_request', path ? `${path}: ${reason.replace(/_/g, ' ')}: ${detail}` : `${reason.replace(/_/g, ' ')}: ${detail}`, { reason });
    this.name = 'RejectedFile';
  }
}

export function isRejectedFile(e: unknown): e is RejectedFile {
  return e instanceof RejectedFile;
}
