// npm test: build, typecheck, lint, then every *.test.ts with Node's test runner.
// Unit tests sit beside their modules; integration tests (language server over the protocol,
// webview in Chromium, the extension in code-server) live in test/.
// Files run one at a time: the machine has two cores and several tests train a model.
// `npm test -- <substring>...` runs only the test files whose path contains one of the substrings
// (and skips build/typecheck/lint when given --quick).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));

/** @param {string} cmd @param {string[]} cmdArgs @param {NodeJS.ProcessEnv} [env] */
function run(cmd, cmdArgs, env = process.env) {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** @param {string} dir @param {string[]} [out] @returns {string[]} */
function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

if (!quick) {
  run('node', ['scripts/build.mjs']);
  run('node', ['scripts/typecheck.mjs']);
  run('npx', ['--no-install', 'eslint', '.']);
}
const files = ['common', 'extension/src', 'language-server/src', 'webview/src', 'test']
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort((a, b) => (a.startsWith('test/') ? 1 : 0) - (b.startsWith('test/') ? 1 : 0) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The tests' temporary folders (datasets, models, browser profiles) go in one folder of this run,
// removed when every test passed and kept, with its path printed, when one failed.
const tmp = mkdtempSync(join(tmpdir(), 'digitlens-tests-'));
process.on('exit', (code) => {
  if (code === 0) rmSync(tmp, { recursive: true, force: true });
  else console.error(`the tests' temporary files are kept in ${tmp}`);
});
run('node', ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { ...process.env, TMPDIR: tmp });
