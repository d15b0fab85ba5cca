// The labels-file language server: every open labels file is parsed on open and on each change,
// its problems (and rows whose image is missing) become diagnostics, the fixes the parser proposes
// become quick fixes, and the file column completes with images no row names yet. The same server
// runs in VS Code (dist/languageServer.js) and for any LSP editor (`digit-lens lsp --stdio`).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type Range,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { COMMANDS, LABELS_FILE_NAME, LABELS_LANGUAGE_ID } from '../../common/contributions';
import { encodeCsvField } from '../../common/csvRecords';
import { LabelsDocument, type LabelProblem } from '../../common/labels';
import { MAX_ROW_CODE_LENSES, isLabelsServerOptions } from '../../common/labelsServerProtocol';
import { ImageLists, unlabeledImages } from './imageCompletions';
import { EvidenceCache, labelIssueProblems } from './labelIssueProblems';
import { FolderListings, missingImageProblems } from './missingImages';

export const DIAGNOSTIC_SOURCE = 'digit-lens';

/** Documents this server reads: the labels language, or a file named like a labels file. */
export function isLabelsFile(doc: { uri: string; languageId: string }): boolean {
  return doc.languageId === LABELS_LANGUAGE_ID || doc.uri.toLowerCase().endsWith(LABELS_FILE_NAME);
}

export function problemRange(p: LabelProblem): Range {
  return { start: { line: p.line, character: p.startChar }, end: { line: p.line, character: p.endChar } };
}

export function toDiagnostic(p: LabelProblem): Diagnostic {
  return {
    range: problemRange(p),
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: p.message,
  };
}

export function startLabelsServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  // The parse of each document's latest version, so code actions see what the diagnostics saw.
  const parsed = new Map<string, { version: number; labels: LabelsDocument }>();

  function parse(doc: TextDocument): LabelsDocument {
    const cached = parsed.get(doc.uri);
    if (cached && cached.version === doc.version) return cached.labels;
    const labels = LabelsDocument.parse(doc.getText());
    parsed.set(doc.uri, { version: doc.version, labels });
    return labels;
  }

  connection.onInitialize(({ initializationOptions }): InitializeResult => {
    const options = isLabelsServerOptions(initializationOptions) ? initializationOptions : {};
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        completionProvider: {},
        // "Inspect" on each row runs the extension's command: only a client that has it gets lenses.
        ...(options.inspectCodeLens === true ? { codeLensProvider: { resolveProvider: false } } : {}),
      },
      serverInfo: { name: 'digit-lens-labels' },
    };
  });

  const listings = new FolderListings();
  const evidence = new EvidenceCache();
  // Problems found beside the document's own (missing images, likely label errors), per document
  // version, so code actions offer their fixes too.
  const extra = new Map<string, { version: number; problems: LabelProblem[] }>();

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const labels = parse(doc);
    const labelsPath = filePath(uri);
    const missing = labelsPath ? await missingImageProblems(labelsPath, labels, listings) : [];
    const likelyErrors = labelsPath ? await labelIssueProblems(labelsPath, labels, evidence) : [];
    const latest = documents.get(uri);
    // A newer version has its own validation coming; a closed document keeps no diagnostics.
    if (!latest || latest.version !== version) return;
    extra.set(uri, { version, problems: [...missing, ...likelyErrors] });
    const problems = [...labels.problems, ...missing, ...likelyErrors].sort((a, b) => a.line - b.line || a.startChar - b.startChar);
    await connection.sendDiagnostics({ uri, version, diagnostics: problems.map(toDiagnostic) });
  }

  // A burst of keystrokes (or of file events while images are written) is validated once; a big
  // file (100k rows parse in about half a second) waits for a pause in typing.
  const pending = new Map<string, NodeJS.Timeout>();
  function schedule(uri: string, delay: number): void {
    clearTimeout(pending.get(uri));
    pending.set(
      uri,
      setTimeout(() => {
        pending.delete(uri);
        validate(uri).catch((err: unknown) => connection.console.error(`validating ${uri}: ${err instanceof Error ? err.stack : String(err)}`));
      }, delay),
    );
  }

  documents.onDidChangeContent(({ document }) => {
    if (isLabelsFile(document)) schedule(document.uri, document.getText().length > 500_000 ? 400 : 0);
  });

  connection.onDidChangeWatchedFiles(() => {
    listings.clear();
    imageLists.clear();
    evidence.clear();
    for (const doc of documents.all()) if (isLabelsFile(doc)) schedule(doc.uri, 200);
  });

  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    parsed.delete(document.uri);
    extra.delete(document.uri);
    if (isLabelsFile(document)) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  const imageLists = new ImageLists();
  // In the file column: the dataset's images that no row names yet.
  connection.onCompletion(async ({ textDocument, position }): Promise<CompletionItem[]> => {
    const doc = documents.get(textDocument.uri);
    const labelsPath = filePath(textDocument.uri);
    if (!doc || !labelsPath || !isLabelsFile(doc)) return [];
    const labels = parse(doc);
    const field = labels.fieldAt(position.line, position.character);
    if (field?.column !== 'file' || field.line !== position.line) return [];
    const images = await unlabeledImages(path.dirname(labelsPath), labels, imageLists);
    const range = { start: { line: field.line, character: field.startChar }, end: position };
    return images.map((image) => ({ label: image, kind: CompletionItemKind.File, textEdit: { range, newText: encodeCsvField(image) } }));
  });

  connection.onCodeAction((params: CodeActionParams): CodeAction[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !isLabelsFile(doc)) return [];
    const actions: CodeAction[] = [];
    const found = extra.get(doc.uri);
    for (const p of [...parse(doc).problems, ...(found?.version === doc.version ? found.problems : [])]) {
      if (!p.fixes || !overlaps(problemRange(p), params.range)) continue;
      const diagnostic = toDiagnostic(p);
      p.fixes.forEach((fix, k) => {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: k === 0 && p.fixes?.length === 1,
          edit: { changes: { [doc.uri]: [{ range: diagnostic.range, newText: fix.newText }] } },
        });
      });
    }
    return actions;
  });

  // "Inspect" above each row: opens the inspector on it (COMMANDS.inspectCrop with the document and
  // the row's line). A file too long for a lens per row gets one, on the header, for the row under
  // the cursor. Only files on disk: the inspector reads the images beside them.
  connection.onCodeLens(({ textDocument }): CodeLens[] => {
    const doc = documents.get(textDocument.uri);
    if (!doc || !isLabelsFile(doc) || !filePath(doc.uri)) return [];
    const rows = parse(doc).rows;
    const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });
    if (rows.length > MAX_ROW_CODE_LENSES) {
      const title = `Inspect the crop under the cursor (${rows.length.toLocaleString('en')} rows: too many for a lens on each)`;
      return [{ range: at(0), command: { title, command: COMMANDS.inspectCrop, arguments: [doc.uri] } }];
    }
    return rows.map((row) => ({ range: at(row.line), command: { title: 'Inspect', command: COMMANDS.inspectCrop, arguments: [doc.uri, row.line] } }));
  });

  documents.listen(connection);
  connection.listen();
}

/** The local path of a file: URI, or undefined for any other scheme. */
function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Whether two ranges touch (a cursor at either end of a problem counts). */
function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
