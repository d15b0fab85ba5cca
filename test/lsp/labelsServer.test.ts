// The labels language server over the real protocol: both built entry points (the VS Code bundle
// and `digit-lens lsp --stdio`) are spawned and spoken to with vscode-languageserver-protocol.
// Runs after `npm run build` (scripts/test.mjs builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  IPCMessageReader,
  IPCMessageWriter,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type CodeAction,
  type CodeLens,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { LOGITS, logSoftmaxHeads } from '../../common/heads';
import { encodeEvidence } from '../../common/labelEvidence';

import { COMMANDS } from '../../common/contributions';
import { MAX_ROW_CODE_LENSES } from '../../common/labelsServerProtocol';

const root = join(import.meta.dirname, '..', '..');
const TIMEOUT_MS = 15_000;

/** Every publishDiagnostics the server sent, and a way to wait for one that matches. */
class DiagnosticsLog {
  readonly received: PublishDiagnosticsParams[] = [];
  private waiters: (() => void)[] = [];

  add(params: PublishDiagnosticsParams): void {
    this.received.push(params);
    for (const wake of this.waiters.splice(0)) wake();
  }

  async waitFor(what: string, match: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

// DIGIT_LENS_DIST points at another build (e.g. a private one while dist/ is being rebuilt).
const dist = process.env.DIGIT_LENS_DIST ?? join(root, 'dist');

async function withServer(args: string[], body: (conn: ProtocolConnection, log: DiagnosticsLog) => Promise<void>): Promise<void> {
  const script = join(dist, args[0]);
  assert.ok(existsSync(script), `${script} is missing: run npm run build first`);
  // --node-ipc is how the VS Code client starts the bundle; --stdio is for every other editor.
  const ipc = args.includes('--node-ipc');
  const child = spawn(process.execPath, [script, ...args.slice(1)], { cwd: root, stdio: ['pipe', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])] });
  const { stdin, stdout } = child;
  assert.ok(stdin && stdout && child.stderr, 'piped stdio');
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const conn = ipc
    ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
    : createProtocolConnection(new StreamMessageReader(stdout), new StreamMessageWriter(stdin));
  const log = new DiagnosticsLog();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => log.add(p));
  conn.listen();
  try {
    await body(conn, log);
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r('still running'), TIMEOUT_MS)))]);
    clearTimeout(timer);
    assert.equal(code, 0, `server exit code (stderr: ${stderr})`);
  } catch (err) {
    if (err instanceof Error) err.message += `\nserver stderr: ${stderr}`;
    throw err;
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
  }
}

/** LSP 3.18 lets a message be markup; this server sends plain strings. */
function messageOf(d: Diagnostic): string {
  assert.equal(typeof d.message, 'string');
  return typeof d.message === 'string' ? d.message : d.message.value;
}

const LABELS = 'file,label,box,digit_boxes\na.png,19,,\nb.png, 2 3,,\nc.png,4,1 2 3,\n';

async function exercise(conn: ProtocolConnection, log: DiagnosticsLog): Promise<void> {
  const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  assert.ok(init.capabilities.codeActionProvider, 'advertises code actions');
  assert.ok(init.capabilities.textDocumentSync, 'advertises document sync');
  assert.equal(init.capabilities.codeLensProvider, undefined, "no code lenses for a client that did not say it runs the inspector's command");
  await conn.sendNotification(InitializedNotification.type, {});

  // A CSV that is not a labels file gets nothing; one named labels.csv is read whatever its language.
  const other = 'file:///data/set/other.csv';
  const uri = 'file:///data/set/labels.csv';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: other, languageId: 'csv', version: 1, text: 'a,b\n1\n' } });
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'csv', version: 1, text: LABELS } });

  const first = await log.waitFor('diagnostics for labels.csv v1', (p) => p.uri === uri && p.version === 1);
  assert.equal(first.diagnostics.length, 2, JSON.stringify(first.diagnostics));
  const [label, box] = first.diagnostics;
  assert.deepEqual(label.range, { start: { line: 2, character: 6 }, end: { line: 2, character: 10 } });
  assert.equal(label.severity, DiagnosticSeverity.Error);
  assert.equal(label.source, 'digit-lens');
  assert.match(messageOf(label), /label " 2 3" is not a number/);
  assert.deepEqual(box.range, { start: { line: 3, character: 8 }, end: { line: 3, character: 13 } });
  assert.equal(box.severity, DiagnosticSeverity.Error);
  assert.match(messageOf(box), /box "1 2 3" is not a box/);
  assert.ok(!log.received.some((p) => p.uri === other), 'no diagnostics for other.csv');

  // The quick fix for the label replaces exactly its range with the digits.
  const cursor = { start: { line: 2, character: 8 }, end: { line: 2, character: 8 } };
  const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: cursor, context: { diagnostics: [label] } })) as CodeAction[];
  assert.equal(actions.length, 1, JSON.stringify(actions));
  assert.equal(actions[0].title, 'Change the label to 23');
  assert.equal(actions[0].kind, 'quickfix');
  assert.deepEqual(actions[0].edit?.changes?.[uri], [{ range: label.range, newText: '23' }]);
  const none = await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: box.range, context: { diagnostics: [box] } });
  assert.deepEqual(none, []);

  // Apply that edit as the editor would (incremental change): only the box error remains.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: label.range, text: '23' }] });
  const second = await log.waitFor('diagnostics for labels.csv v2', (p) => p.uri === uri && p.version === 2);
  assert.deepEqual(second.diagnostics.map((d) => d.range.start.line), [3]);

  // Fix the box too: the diagnostics clear.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ range: box.range, text: '1 2 3 4' }] });
  const third = await log.waitFor('diagnostics for labels.csv v3', (p) => p.uri === uri && p.version === 3);
  assert.deepEqual(third.diagnostics, []);

  // A document in the digit-labels language, whatever its name, is read too; closing clears it.
  const untitled = 'untitled:Untitled-1';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: untitled, languageId: 'digit-labels', version: 1, text: 'file,label\n../x.png,1\n' } });
  const fourth = await log.waitFor('diagnostics for the untitled document', (p) => p.uri === untitled);
  assert.equal(fourth.diagnostics.length, 1);
  assert.deepEqual(fourth.diagnostics[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } });
  assert.match(messageOf(fourth.diagnostics[0]), /leaves the dataset folder/);
  const before = log.received.length;
  await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: untitled } });
  const cleared = await log.waitFor('cleared diagnostics after close', (p) => log.received.indexOf(p) >= before && p.uri === untitled);
  assert.deepEqual(cleared.diagnostics, []);

  // A stray quote in row 50 swallows the rest of the file: one error, at that row's line.
  const strayUri = 'untitled:Stray';
  const strayRows = Array.from({ length: 60 }, (_, i) => (i === 49 ? `img/${i}.png,"${i},` : `img/${i}.png,${i}`));
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: strayUri, languageId: 'digit-labels', version: 1, text: ['file,label', ...strayRows].join('\r\n') + '\r\n' },
  });
  const stray = await log.waitFor('the stray quote', (p) => p.uri === strayUri);
  assert.equal(stray.diagnostics.length, 1, JSON.stringify(stray.diagnostics));
  assert.equal(stray.diagnostics[0].range.start.line, 50, 'line 51 as an editor counts');
  assert.equal(stray.diagnostics[0].severity, DiagnosticSeverity.Error);
  assert.match(messageOf(stray.diagnostics[0]), /never closed/);

  // On disk: a row whose image is missing gets a warning, until the image appears.
  const dataset = mkdtempSync(join(tmpdir(), 'digit-lens-lsp-'));
  try {
    writeFileSync(join(dataset, 'a.png'), 'not really a png: only existence is checked');
    const labelsPath = join(dataset, 'labels.csv');
    const text = 'file,label\na.png,1\nsub/b.png,2\n';
    writeFileSync(labelsPath, text);
    const diskUri = pathToFileURL(labelsPath).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: diskUri, languageId: 'digit-labels', version: 1, text } });
    const missing = await log.waitFor('missing-image warning', (p) => p.uri === diskUri);
    assert.equal(missing.diagnostics.length, 1, JSON.stringify(missing.diagnostics));
    assert.deepEqual(missing.diagnostics[0].range, { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } });
    assert.equal(missing.diagnostics[0].severity, DiagnosticSeverity.Warning);
    assert.match(messageOf(missing.diagnostics[0]), /image not found: sub\/b\.png/);

    // The file column completes with the images no row names yet (a.png is named; c.jpg is not).
    writeFileSync(join(dataset, 'c.jpg'), 'x');
    mkdirSync(join(dataset, '.digitlens'));
    writeFileSync(join(dataset, '.digitlens', 'cache.png'), 'derived state, not an image to label');
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(dataset, 'c.jpg')).href, type: FileChangeType.Created }] });
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: diskUri, version: 2 }, contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'c' }] });
    const completion = await conn.sendRequest(CompletionRequest.type, { textDocument: { uri: diskUri }, position: { line: 3, character: 1 } });
    const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
    assert.deepEqual(items.map((i) => i.label), ['c.jpg']);
    assert.deepEqual(items[0].textEdit, { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 1 } }, newText: 'c.jpg' });
    const inLabel = await conn.sendRequest(CompletionRequest.type, { textDocument: { uri: diskUri }, position: { line: 1, character: 7 } });
    assert.deepEqual(inLabel, []);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: diskUri, version: 3 }, contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 1 } }, text: '' }] });

    mkdirSync(join(dataset, 'sub'));
    writeFileSync(join(dataset, 'sub', 'b.png'), 'here now');
    const since = log.received.length;
    const created = pathToFileURL(join(dataset, 'sub', 'b.png')).href;
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: created, type: FileChangeType.Created }] });
    // Publications for the edits above may still arrive first: wait for the one that clears.
    await log.waitFor('warning cleared after the image appeared', (p) => log.received.indexOf(p) >= since && p.uri === diskUri && p.diagnostics.length === 0);
  } finally {
    rmSync(dataset, { recursive: true, force: true });
  }
}

test('dist/languageServer.js --stdio: diagnostics, quick fix, missing images, completion, close, shutdown', async () => {
  await withServer(['languageServer.js', '--stdio'], exercise);
});

test('digit-lens lsp --stdio: the same server from the CLI', async () => {
  await withServer(['cli.js', 'lsp', '--stdio'], exercise);
});

test('dist/languageServer.js --node-ipc: the transport the VS Code client uses', async () => {
  await withServer(['languageServer.js', '--node-ipc'], exercise);
});

test('likely label errors from the last training run: an information with a quick fix, gone once fixed', async () => {
  await withServer(['languageServer.js', '--stdio'], async (conn, log) => {
    await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await conn.sendNotification(InitializedNotification.type, {});
    const dataset = mkdtempSync(join(tmpdir(), 'digit-lens-lsp-issues-'));
    try {
      for (const f of ['a.png', 'b.png']) writeFileSync(join(dataset, f), 'only existence is checked');
      // Evidence as a training run leaves it: the model read a.png as 7 and b.png as 45, confidently.
      const confident = (lengthClass: number, digits: number[]): Float32Array => {
        const z = new Float32Array(LOGITS);
        z[lengthClass] = 8;
        digits.forEach((d, i) => (z[7 + 10 * i + d] = 8));
        return logSoftmaxHeads(z);
      };
      const meanLogProbs = new Float32Array(2 * LOGITS);
      meanLogProbs.set(confident(1, [7]), 0);
      meanLogProbs.set(confident(2, [4, 5]), LOGITS);
      const { json, bin } = encodeEvidence({ rows: [{ file: 'a.png', label: '1', heldOut: false }, { file: 'b.png', label: '45', heldOut: false }], meanLogProbs });
      mkdirSync(join(dataset, '.digitlens', 'model'), { recursive: true });
      writeFileSync(join(dataset, '.digitlens', 'model', 'evidence.json'), json);
      writeFileSync(join(dataset, '.digitlens', 'model', 'evidence.bin'), bin);
      const labelsPath = join(dataset, 'labels.csv');
      const text = 'file,label\na.png,1\nb.png,45\n';
      writeFileSync(labelsPath, text);
      const uri = pathToFileURL(labelsPath).href;
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'digit-labels', version: 1, text } });
      const first = await log.waitFor('the likely label error', (p) => p.uri === uri && p.version === 1);
      assert.equal(first.diagnostics.length, 1, JSON.stringify(first.diagnostics));
      const [hint] = first.diagnostics;
      assert.equal(hint.severity, DiagnosticSeverity.Information);
      assert.deepEqual(hint.range, { start: { line: 1, character: 6 }, end: { line: 1, character: 7 } });
      assert.match(messageOf(hint), /likely label error: the model reads 7 here/);
      const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } })) as CodeAction[];
      assert.deepEqual(actions.map((a) => [a.title, a.edit?.changes?.[uri]]), [["Change the label to 7 (the model's reading)", [{ range: hint.range, newText: '7' }]]]);
      // The user takes it: the same evidence agrees with the new label, and the hint goes.
      await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: hint.range, text: '7' }] });
      const second = await log.waitFor('no hint after the fix', (p) => p.uri === uri && p.version === 2);
      assert.deepEqual(second.diagnostics, []);
    } finally {
      rmSync(dataset, { recursive: true, force: true });
    }
  });
});

/** The client VS Code runs says it has Digit Lens: Inspect Crop; each row then gets an "Inspect" lens. */
async function exerciseCodeLenses(conn: ProtocolConnection): Promise<void> {
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
    initializationOptions: { inspectCodeLens: true },
  });
  assert.deepEqual(init.capabilities.codeLensProvider, { resolveProvider: false });
  await conn.sendNotification(InitializedNotification.type, {});
  const lenses = async (uri: string): Promise<CodeLens[]> => (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  const lineOf = (l: CodeLens): number => l.range.start.line;

  // One lens per readable row (not on the header, not on the row whose label cannot be read; the
  // row with a bad box is read without it), running the inspector's command with the document and
  // the row's line.
  const uri = 'file:///data/set/labels.csv';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'digit-labels', version: 1, text: LABELS } });
  const first = await lenses(uri);
  assert.deepEqual(first.map(lineOf), [1, 3]);
  assert.deepEqual(first[0], {
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
    command: { title: 'Inspect', command: COMMANDS.inspectCrop, arguments: [uri, 1] },
  });
  // They follow the document as it is edited: the fixed row gets its lens, rows below move down.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 2, character: 6 }, end: { line: 2, character: 10 } }, text: '23' }],
  });
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'new.png,5,,\n' }],
  });
  assert.deepEqual((await lenses(uri)).map((l) => [lineOf(l), l.command?.arguments]), [
    [1, [uri, 1]],
    [2, [uri, 2]],
    [3, [uri, 3]],
    [4, [uri, 4]],
  ]);
  // No file on disk, no dataset folder to read images from: no lenses.
  const untitled = 'untitled:Untitled-2';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: untitled, languageId: 'digit-labels', version: 1, text: LABELS } });
  assert.deepEqual(await lenses(untitled), []);

  // A huge file: one lens, on the header, for the row under the cursor (no line argument).
  const big = 'file:///data/big/labels.csv';
  const rows = Array.from({ length: MAX_ROW_CODE_LENSES + 1 }, (_, i) => `img/${i}.png,${i}`);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: big, languageId: 'digit-labels', version: 1, text: ['file,label', ...rows].join('\n') + '\n' } });
  const bigLenses = await lenses(big);
  assert.equal(bigLenses.length, 1);
  assert.equal(lineOf(bigLenses[0]), 0);
  assert.deepEqual(bigLenses[0].command?.arguments, [big]);
  assert.equal(bigLenses[0].command?.command, COMMANDS.inspectCrop);
  assert.match(bigLenses[0].command?.title ?? '', /^Inspect the crop under the cursor \(2,001 rows/);
  // At the limit, still one per row.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: big, version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }],
  });
  assert.equal((await lenses(big)).length, MAX_ROW_CODE_LENSES);
}

test('dist/languageServer.js --node-ipc: an "Inspect" code lens on each row, for the client that runs the command', async () => {
  await withServer(['languageServer.js', '--node-ipc'], exerciseCodeLenses);
});
