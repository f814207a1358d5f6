/**
 * Offline guarantee: the pipeline runs inside a network namespace that has
 * only loopback, under strace, and no process of it attempts a connection to
 * anything but loopback or a local socket.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const LOOPBACK = [/inet_addr\("127\.\d+\.\d+\.\d+"\)/, /inet_pton\(AF_INET6, "::1"/, /inet_pton\(AF_INET6, "::ffff:127\./];

export function outboundAttempts(trace: string): string[] {
  return trace
    .split('\n')
    .filter((line) => /connect\(\d+, \{sa_family=AF_INET6?,/.test(line) || /sendto\(.*sa_family=AF_INET6?,/.test(line))
    .filter((line) => !LOOPBACK.some((re) => re.test(line)));
}

test('the pipeline (demo import, pretrain, embed, eval, search, browser mode) attempts no outbound connection with only loopback available', () => {
  for (const tool of ['unshare', 'strace', 'ip']) {
    assert.equal(spawnSync('which', [tool]).status, 0, `${tool} is required (root, util-linux, strace, iproute2; .ci/run installs them)`);
  }
  const work = tempDir();
  const trace = join(work, 'trace');
  const script = join(__dirname, 'pipeline.sh');
  const run = spawnSync(
    'unshare',
    ['--net', 'sh', '-c', `ip link set lo up && strace -f -qq -e trace=connect,sendto -o "${trace}" bash "${script}" "${CLI}" "${work}"`],
    { encoding: 'utf8', timeout: 180_000 },
  );
  assert.equal(run.status, 0, `pipeline failed offline:\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /pipeline done/);
  const log = readFileSync(trace, 'utf8');
  assert.ok(/connect\(\d+, \{sa_family=AF_INET/.test(log), 'expected the loopback bridge connections to show in the trace');
  assert.deepEqual(outboundAttempts(log), []);
  assert.equal(JSON.parse(readFileSync(join(work, 'bridge.json'), 'utf8')).value.items.length, 3);
  const pretrain = JSON.parse(readFileSync(join(work, 'pretrain.json'), 'utf8')) as { status: string; embedded: { images: number } };
  assert.equal(pretrain.status, 'done');
  assert.ok(pretrain.embedded.images > 0);
  assert.equal(JSON.parse(readFileSync(join(work, 'search.json'), 'utf8')).hits.length, 3);
  const evaluation = JSON.parse(readFileSync(join(work, 'eval.json'), 'utf8')) as { encoders: string[]; cells: { mean: number }[] };
  assert.deepEqual(evaluation.encoders, ['random init', 'ConVIRT']);
  assert.ok(evaluation.cells.length === 2 && evaluation.cells.every((c) => c.mean >= 0 && c.mean <= 1));
});

test('the trace check itself flags an outbound attempt', () => {
  const line = '123 connect(21, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("140.82.112.3")}, 16) = -1 ENETUNREACH';
  const local = '124 connect(22, {sa_family=AF_INET, sin_port=htons(4000), sin_addr=inet_addr("127.0.0.1")}, 16) = 0';
  assert.deepEqual(outboundAttempts(`${line}\n${local}`), [line]);
});
