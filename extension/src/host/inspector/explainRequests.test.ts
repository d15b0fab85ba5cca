import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_INSPECTOR_VIEW } from '../../../../common/inspectorProtocol';
import { LatestOnly, explainOptions } from './explainRequests';

test("the engine is asked about the row as the file has it, with the page's targets and method", () => {
  const row = { line: 4, file: 'x/./1.png', label: '0432', box: { left: 3, top: 4, width: 50, height: 20 }, digitBoxes: [] };
  const view = { targets: [null, 1, null, null, null, 9], smoothGrad: 16, gradTimesInput: true, activationBlock: 2 };
  assert.deepEqual(explainOptions('/d/labels.csv', row, view, 'wasm'), {
    labelsPath: '/d/labels.csv',
    backend: 'wasm',
    file: 'x/./1.png',
    label: '0432',
    box: { left: 3, top: 4, width: 50, height: 20 },
    targets: [null, 1, null, null, null, 9],
    smoothGrad: 16,
    gradTimesInput: true,
    activationBlock: 2,
  });
  // No box, no feature maps: neither is sent (the engine uses the whole image, returns no maps).
  const plain = explainOptions('/d/labels.csv', { line: 1, file: 'a.png', label: '' }, DEFAULT_INSPECTOR_VIEW, 'auto');
  assert.deepEqual(plain, { labelsPath: '/d/labels.csv', backend: 'auto', file: 'a.png', label: '', targets: [null, null, null, null, null, null], smoothGrad: 16, gradTimesInput: false });
  assert.equal('box' in plain || 'activationBlock' in plain, false);
  // The options are the request's own: a later change of the view does not reach a request sent.
  const targets: (number | null)[] = [null, null, null, null, null, null];
  const sent = explainOptions('/d/labels.csv', row, { ...DEFAULT_INSPECTOR_VIEW, targets }, 'auto');
  targets[1] = 3;
  assert.deepEqual(sent.targets, [null, null, null, null, null, null]);
});

/** A job runner whose jobs finish when the test says so. */
function controlled(): { runner: LatestOnly<string, string>; ran: string[]; delivered: string[]; finish: (job: string) => Promise<void> } {
  const ran: string[] = [];
  const delivered: string[] = [];
  const finishers = new Map<string, () => void>();
  const runner = new LatestOnly<string, string>(
    (job) => {
      ran.push(job);
      return new Promise((resolve) => finishers.set(job, () => resolve(`result of ${job}`)));
    },
    (result) => delivered.push(result),
  );
  const finish = async (job: string): Promise<void> => {
    const f = finishers.get(job);
    assert.ok(f, `${job} is running`);
    f();
    // Let the runner deliver and start the next job.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { runner, ran, delivered, finish };
}

test('requests a newer one overtook never reach the engine, and superseded answers are not delivered', async () => {
  const { runner, ran, delivered, finish } = controlled();
  runner.submit('a');
  runner.submit('b');
  runner.submit('c');
  assert.deepEqual(ran, ['a'], 'one at a time');
  await finish('a');
  assert.deepEqual(delivered, [], "a's answer is stale: c was asked for since");
  assert.deepEqual(ran, ['a', 'c'], 'b was overtaken by c while waiting: never run');
  await finish('c');
  assert.deepEqual(delivered, ['result of c']);
  assert.equal(runner.busy, false);
  // Idle again: the next request runs at once and is delivered.
  runner.submit('d');
  assert.equal(runner.busy, true);
  await finish('d');
  assert.deepEqual(delivered, ['result of c', 'result of d']);
});

test('a job that throws is reported and does not stop the runner', async () => {
  const errors: unknown[] = [];
  const delivered: number[] = [];
  const runner = new LatestOnly<number, number>(
    (n) => (n < 0 ? Promise.reject(new Error('negative')) : Promise.resolve(n * 2)),
    (r) => delivered.push(r),
    (err) => errors.push(err),
  );
  runner.submit(-1);
  runner.submit(2);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(delivered, [4]);
  assert.equal(errors.length, 1);
});
