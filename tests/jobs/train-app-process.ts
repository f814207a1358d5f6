/**
 * Stands in for a workstation in its own process (run by the durable-record
 * test): opens the library, starts a pretraining job with the config in
 * argv[3] on the cpu backend, and prints one line per step ("step <n>") and
 * the worker's pid ("worker <pid>"), until it is killed.
 */
import { openLibrary } from '../../src-main/db/connection';
import { startTrainJob } from '../../src-main/jobs/train-job';
import { parseTrainConfig } from '../../src-main/ml/train/config';

const [libraryPath, configJson] = process.argv.slice(2);
const db = openLibrary(libraryPath!);
const job = startTrainJob({
  db,
  libraryPath: libraryPath!,
  config: parseTrainConfig(JSON.parse(configJson!), 'argv config'),
  backend: 'cpu',
  onEvent: (e) => {
    if (e.type === 'train-step') process.stdout.write(`step ${e.step}\n`);
  },
});
process.stdout.write(`run ${job.runId}\nworker ${job.child.pid}\n`);
void job.done.then(() => db.close());
