/** vocab.txt: one token per line, id = line number; written atomically (temporary file, rename). */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeVocabFile(path: string, vocab: readonly string[]): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, vocab.join('\n') + '\n', 'utf8');
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
