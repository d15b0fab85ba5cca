// npm run typecheck: one TypeScript compiler per part (each with only the libraries that part may
// use, scripts/parts.mjs), then the tests and the scripts. Two at a time on a 2-core machine.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryConfigs, parts, toolingConfigs } from './parts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const configs = [...parts.map((p) => p.tsconfig), ...entryConfigs, ...toolingConfigs];

/** @param {string} config @returns {Promise<{ config: string, ok: boolean, output: string }>} */
function check(config) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', config, '--noEmit', '--pretty', 'false'], { cwd: root });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ config, ok: code === 0, output }));
  });
}

/** @type {{ config: string, ok: boolean, output: string }[]} */
const results = [];
const queue = [...configs];
await Promise.all(
  [0, 1].map(async () => {
    for (let config = queue.shift(); config; config = queue.shift()) {
      const result = await check(config);
      console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${config}`);
      results.push(result);
    }
  }),
);
const failed = results.filter((r) => !r.ok);
for (const f of failed) console.log(`\n${f.config}:\n${f.output.trim()}`);
process.exit(failed.length > 0 ? 1 : 0);
