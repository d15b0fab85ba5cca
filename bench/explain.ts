// How long the inspector waits for explain: the real worker (dist/engineWorker.js through
// host/engineClient.ts, as the extension runs it), one model, 50 different crops, after one
// warm-up call that loads the model. Per method: the engine's own time (ExplainResult.milliseconds)
// and the round trip the host sees, median and worst. The target is < 300 ms a crop with the
// default method for the fast preset.
//
//   node scripts/build.mjs
//   node --import tsx bench/explain.ts [--data DIR] [--model PATH] [--count 50] [--methods plain,sg8,sg16] [--json]
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_EXPLAIN_METHOD } from '../common/engineProtocol';
import { LabelsDocument } from '../common/labels';
import { checkKnownFlags, numberFlag, parseArgs, stringFlag } from '../extension/src/cli/args';
import { EngineClient } from '../extension/src/host/engineClient';
import { parseMethod } from './explainMethods';

const WORKER = path.resolve(__dirname, '../dist/engineWorker.js');

function stats(xs: number[]): { median: number; worst: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: Number(sorted[Math.floor(sorted.length / 2)].toFixed(1)), worst: Number(sorted[sorted.length - 1].toFixed(1)) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['json']);
  checkKnownFlags(args, ['data', 'model', 'count', 'methods', 'json']);
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run node scripts/build.mjs first`);
  const data = path.resolve(stringFlag(args, 'data') ?? '/tmp/explain-bench/test');
  const modelDir = path.resolve(stringFlag(args, 'model') ?? '/tmp/explain-bench/train/.digitlens/model');
  const count = numberFlag(args, 'count', { min: 1, integer: true }) ?? 50;
  const methodNames = (stringFlag(args, 'methods') ?? 'plain,sg8,sg16').split(',');
  const labelsPath = path.join(data, 'labels.csv');
  const rows = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows.slice(0, count + 1);
  if (rows.length < count + 1) throw new Error(`${labelsPath} has ${rows.length} rows; ${count} crops and a warm-up need ${count + 1}`);
  const client = new EngineClient(WORKER);
  const load = os.loadavg();
  try {
    const request = (i: number, method: ReturnType<typeof parseMethod>) => ({
      labelsPath, modelDir, backend: 'wasm' as const, file: rows[i].file, box: rows[i].box, label: rows[i].label, ...method,
    });
    let backend = '';
    // The warm-up: starts the worker and the backend, loads the model, compiles the kernels.
    const t0 = performance.now();
    const warm = await client.explain(request(count, DEFAULT_EXPLAIN_METHOD), { onBackend: (b) => (backend = `${b.backend} x${b.threads}`) });
    const warmMs = performance.now() - t0;
    const results = [];
    for (const name of methodNames) {
      const method = parseMethod(name);
      const engine: number[] = [];
      const roundTrip: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        const r = await client.explain(request(i, method));
        roundTrip.push(performance.now() - started);
        engine.push(r.milliseconds);
      }
      results.push({ method: name, crops: count, engineMs: stats(engine), roundTripMs: stats(roundTrip) });
    }
    const summary = { backend, loadAverage: load.map((l) => Number(l.toFixed(2))), loadAverageAfter: os.loadavg().map((l) => Number(l.toFixed(2))), warmUpMs: Math.round(warmMs), warmUpEngineMs: Math.round(warm.milliseconds), results };
    if (args.flags.get('json') === true) console.log(JSON.stringify(summary));
    else {
      console.log(`explain through the worker, ${count} crops of ${data}, model ${modelDir}, ${backend}; load average ${summary.loadAverage.join(' ')} before, ${summary.loadAverageAfter.join(' ')} after`);
      console.log(`  warm-up (worker start, backend, model load): ${summary.warmUpMs} ms round trip, ${summary.warmUpEngineMs} ms in the engine`);
      for (const r of results) {
        console.log(`  ${r.method.padEnd(8)} engine median ${r.engineMs.median} ms, worst ${r.engineMs.worst} ms; round trip median ${r.roundTripMs.median} ms, worst ${r.roundTripMs.worst} ms`);
      }
    }
  } finally {
    await client.dispose();
  }
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
