/**
 * Synthetic but stable DICOM UIDs for images that have none (JPEG/PNG layouts):
 * "2.25." followed by the decimal value of 128 bits of a SHA-256 of a name, the
 * UUID-derived root of PS3.5 B.2. The same name always gives the same UID.
 */
import { createHash } from 'node:crypto';

export function syntheticUid(...nameParts: string[]): string {
  const digest = createHash('sha256').update(nameParts.join('\u0000')).digest();
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString(10)}`;
}
