// Starts the labels-file language server (dist/languageServer.js) over IPC for `digit-labels`
// documents: diagnostics for malformed rows, completions, quick fixes and the rows' "Inspect"
// code lenses come from there.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LABELS_LANGUAGE_ID } from '../../../common/contributions';
import { DERIVED } from '../../../common/derivedPaths';
import { EVIDENCE_JSON } from '../../../common/labelEvidence';
import type { LabelsServerOptions } from '../../../common/labelsServerProtocol';

export function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'languageServer.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LABELS_LANGUAGE_ID }],
    // The server checks that image files exist, and reads the label-error evidence a training run
    // leaves beside the model: tell it when those come and go.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher(`**/{*.png,*.jpg,*.jpeg,*.csv,${DERIVED.model}/${EVIDENCE_JSON}}`) },
    // This client runs Digit Lens: Inspect Crop, so the rows get "Inspect" code lenses.
    initializationOptions: { inspectCodeLens: true } satisfies LabelsServerOptions,
  };
  const client = new LanguageClient('digitLensLabels', 'Digit Lens Labels', serverOptions, clientOptions);
  client.start().catch((err: unknown) => log.error(`language server failed to start: ${err instanceof Error ? err.message : String(err)}`));
  return client;
}
