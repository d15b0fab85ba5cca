// The house's rules are enforced by the build (DESIGN §2): in a copy of the tree, each planted
// file that breaks one makes `npm run lint` or `npm run typecheck` fail, naming the file.
// (The clean tree passing both is what `npm test` checks before it runs any test.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');

interface Plant {
  file: string;
  text: string;
  /** What must flag it: the lint rule's id, or a TypeScript error code. */
  lint?: RegExp;
  typecheck?: RegExp;
}

const plants: Plant[] = [
  {
    file: 'extension/src/engine/plantedVscode.ts',
    text: "import * as vscode from 'vscode';\nexport const version: string = vscode.version;\n",
    lint: /the engine part may not import the package vscode/,
  },
  {
    file: 'webview/src/plantedFs.ts',
    text: "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    lint: /the webview part may not use Node's built-in modules \(node:fs\)/,
    typecheck: /webview\/src\/plantedFs\.ts.*TS2307/,
  },
  {
    file: 'language-server/src/plantedEngine.ts',
    text: "import { runTraining } from '../../extension/src/engine/runTraining';\nexport const train = runTraining;\n",
    lint: /the language-server part may not import the engine part/,
  },
  {
    file: 'common/plantedDocument.ts',
    text: 'export function title(): string {\n  return document.title;\n}\n',
    typecheck: /common\/plantedDocument\.ts.*TS2584|common\/plantedDocument\.ts.*TS2304/,
  },
  {
    file: 'common/plantedPath.ts',
    text: "import * as path from 'node:path';\nexport const join = path.join;\n",
    lint: /the common part may not use Node's built-in modules \(node:path\)/,
    typecheck: /common\/plantedPath\.ts.*TS2307/,
  },
  {
    // HDF5 is the dataset part's (the SVHN import, run in the engine worker): 4 MB the host's bundle never loads.
    file: 'extension/src/host/plantedH5wasm.ts',
    text: "import h5wasm from 'h5wasm';\nexport const ready = h5wasm.ready;\n",
    lint: /the host part may not import the package h5wasm/,
  },
  {
    file: 'extension/src/host/plantedFloating.ts',
    text: 'async function save(): Promise<void> {\n  await Promise.resolve();\n}\nexport function onClick(): void {\n  save();\n}\n',
    lint: /plantedFloating[\s\S]*no-floating-promises/,
  },
];

function tracked(): string[] {
  const r = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((f) => f !== '' && !f.startsWith('node_modules/'));
}

test('planted files that break a house rule fail lint or typecheck', { timeout: 600_000 }, (t) => {
  const copy = mkdtempSync(path.join(tmpdir(), 'digit-lens-house-'));
  try {
    for (const file of tracked()) {
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      cpSync(path.join(root, file), path.join(copy, file));
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    for (const p of plants) writeFileSync(path.join(copy, p.file), p.text);

    const lint = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), ...plants.map((p) => p.file)], {
      cwd: copy,
      encoding: 'utf8',
    });
    const typecheck = spawnSync(process.execPath, ['scripts/typecheck.mjs'], { cwd: copy, encoding: 'utf8' });
    t.diagnostic(`lint exit ${lint.status}, typecheck exit ${typecheck.status}`);
    assert.notEqual(lint.status, 0, 'lint fails');
    assert.notEqual(typecheck.status, 0, 'typecheck fails');
    for (const p of plants) {
      // The lint output groups errors under each file's absolute path.
      const section = lint.stdout.split(/\n(?=\/)/).find((s) => s.startsWith(path.join(copy, p.file))) ?? '';
      if (p.lint) assert.match(section, p.lint, `lint on ${p.file}:\n${lint.stdout}${lint.stderr}`);
      if (p.typecheck) assert.match(typecheck.stdout, p.typecheck, `typecheck on ${p.file}:\n${typecheck.stdout}`);
      assert.ok(p.lint ?? p.typecheck, `${p.file} must be caught by something`);
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the repository holds no symbolic links: a linked node_modules or tool folder, once committed, replaces the real one on checkout', () => {
  // `git ls-files -s` gives mode 120000 for a symbolic link.
  const r = spawnSync('git', ['ls-files', '-s'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const links = r.stdout.split('\n').filter((line) => line.startsWith('120000 '));
  assert.deepEqual(links, []);
});
