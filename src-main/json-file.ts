/**
 * JSON files the workstation wrote itself (checkpoint config, progress, the
 * latest-checkpoint pointer): a missing or damaged one is an AppError that
 * names the file and the reason, not a bare SyntaxError.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../src-shared/result';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError('not_found', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('bad_request', `${path} is damaged: it is not valid JSON (${(error as Error).message})`);
  }
}
