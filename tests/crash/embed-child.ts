/**
 * The embedding pass of `convirt embed` (embedCheckpoint) in a process of its
 * own, with a small batch size so that a test can SIGKILL it between batches:
 *   embed-child.ts LIBRARY CHECKPOINT BATCH_SIZE
 * Prints the pass's result as JSON when it ends.
 */
import { openLibrary } from '../../src-main/db/connection';
import { useBackend } from '../../src-main/ml/backend/select';
import { embedCheckpoint } from '../../src-main/search/checkpoint-models';

const [library, checkpoint, batchSize] = process.argv.slice(2) as [string, string, string];

void (async () => {
  await useBackend('cpu');
  const db = openLibrary(library);
  try {
    const result = await embedCheckpoint(db, library, checkpoint, { batchSize: Number(batchSize) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    db.close();
  }
})();
