/** `convirt pretrain` as a user runs it: the built bin on a real library. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { tinyConfig } from '../ml/train/tiny';
import { trainingLibrary } from './train-library';

function convirt(args: string[]) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('convirt pretrain', () => {
  const dir = tempDir();

  it('--json prints the run id, backend, final losses and checkpoint; --resume --epochs extends the run', async () => {
    const { db, path } = await trainingLibrary(12, 40, dir);
    db.close();
    const { preset: _preset, ...config } = tinyConfig({ epochs: 1 });
    const configFile = join(dir, 'tiny.json');
    writeFileSync(configFile, JSON.stringify(config));
    const first = convirt(['pretrain', '--library', path, '--config', configFile, '--backend', 'cpu', '--json']);
    assert.equal(first.status, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as Record<string, unknown>;
    assert.equal(summary.status, 'done');
    assert.equal(summary.backend, 'cpu');
    assert.equal(summary.epochs, 1);
    assert.ok(Number.isFinite(summary.finalTrainLoss) && Number.isFinite(summary.finalValLoss));
    assert.ok(existsSync(join(summary.checkpoint as string, 'model.safetensors')));

    const resumed = convirt(['pretrain', '--library', path, '--resume', String(summary.runId), '--epochs', '2', '--backend', 'cpu', '--json']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout) as Record<string, unknown>;
    assert.equal(after.runId, summary.runId);
    assert.equal(after.epochs, 2);
  });

  it('rejects bad flags with exit code 2', () => {
    const r = convirt(['pretrain', '--library', join(dir, 'none.sqlite'), '--epochs', 'zero', '--json']);
    assert.equal(r.status, 2);
    assert.match(JSON.parse(r.stdout).error.message, /--epochs/);
  });
});
