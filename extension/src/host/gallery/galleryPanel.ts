// The gallery webview panel: one per labels file, restored after a reload by a serializer,
// refreshed when labels.csv or .digitlens/predictions.csv change on disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GALLERY_VIEW_TYPE } from '../../../../common/contributions';
import { DERIVED } from '../../../../common/derivedPaths';
import { isGalleryToHostMessage, type GalleryState, type HostToGalleryMessage } from '../../../../common/webviewProtocol';
import { LabelEditRefused, type RowLabelEdit } from '../../dataset/labelsFile';
import { loadGalleryDataset } from './galleryData';
import { applyLabelEdit, type LabelsEditor } from './labelEdit';
import { datasetWebviewOptions, pageHtml } from '../webviewPanels';

export class GalleryPanel {
  private static readonly open = new Map<string, GalleryPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private webviewReady = false;

  /** Shows the gallery of `labelsUri`, reusing its panel when one is open. */
  static show(extensionUri: vscode.Uri, labelsUri: vscode.Uri, log: vscode.LogOutputChannel): void {
    const existing = GalleryPanel.open.get(labelsUri.fsPath);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      GALLERY_VIEW_TYPE,
      galleryTitle(labelsUri),
      vscode.ViewColumn.Active,
      { ...datasetWebviewOptions(extensionUri, labelsUri), retainContextWhenHidden: false },
    );
    new GalleryPanel(panel, extensionUri, labelsUri, log);
  }

  /** Brings back the galleries that were open before a window reload. */
  static registerSerializer(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const labelsPath = (state as Partial<GalleryState> | undefined)?.labelsPath;
        if (typeof labelsPath !== 'string' || labelsPath === '') {
          panel.dispose();
          return Promise.resolve();
        }
        const labelsUri = vscode.Uri.file(labelsPath);
        panel.webview.options = datasetWebviewOptions(extensionUri, labelsUri);
        panel.title = galleryTitle(labelsUri);
        new GalleryPanel(panel, extensionUri, labelsUri, log);
        return Promise.resolve();
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly labelsUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    GalleryPanel.open.set(labelsUri.fsPath, this);
    panel.webview.html = pageHtml(panel.webview, extensionUri, 'gallery');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message), null, this.disposables);

    const datasetDir = vscode.Uri.file(path.dirname(labelsUri.fsPath));
    const pattern = new vscode.RelativePattern(datasetDir, `{${path.basename(labelsUri.fsPath)},${DERIVED.predictions}}`);
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const onChange = (): void => this.scheduleRefresh();
    watcher.onDidChange(onChange, null, this.disposables);
    watcher.onDidCreate(onChange, null, this.disposables);
    watcher.onDidDelete(onChange, null, this.disposables);
    this.disposables.push(watcher);
    vscode.workspace.onDidChangeTextDocument(
      (e) => {
        if (e.document.uri.fsPath === labelsUri.fsPath && e.contentChanges.length > 0) this.scheduleRefresh();
      },
      null,
      this.disposables,
    );
  }

  private onMessage(message: unknown): void {
    if (!isGalleryToHostMessage(message)) {
      this.log.warn(`gallery: ignoring an unexpected message ${JSON.stringify(message)}`);
      return;
    }
    switch (message.kind) {
      case 'ready':
        this.webviewReady = true;
        void this.refresh();
        return;
      case 'refresh':
        void this.refresh();
        return;
      case 'revealRow':
        void this.revealRow(message.line);
        return;
      case 'setLabel':
        void this.setLabel({ line: message.line, file: message.file, expected: message.expected, label: message.label });
        return;
      case 'cspViolation':
        this.log.warn(`gallery: the Content Security Policy blocked ${message.blocked} (${message.directive})`);
        return;
    }
  }

  private async setLabel(edit: RowLabelEdit): Promise<void> {
    const name = path.basename(this.labelsUri.fsPath);
    const what = `label of ${edit.file} (line ${edit.line + 1})`;
    let result: HostToGalleryMessage;
    try {
      const outcome = await applyLabelEdit(this.labelsUri.fsPath, edit, this.labelsEditor());
      this.log.info(`gallery: ${what} set to ${JSON.stringify(edit.label)} (${outcome})`);
      result = {
        kind: 'labelResult',
        line: edit.line,
        file: edit.file,
        ok: true,
        message:
          outcome === 'inUnsavedEditor'
            ? `The label of ${edit.file} is set in the open editor of ${name}, which has unsaved changes: save it there to keep the label (Ctrl+Z there undoes it).`
            : undefined,
      };
    } catch (err) {
      const message =
        err instanceof LabelEditRefused
          ? `${err.message}${err.stale ? ' — the gallery has been refreshed' : ''}`
          : `Could not set the ${what} in ${name}: ${(err as Error).message}`;
      result = { kind: 'labelResult', line: edit.line, file: edit.file, ok: false, message };
      this.log.warn(`gallery: ${what} not set: ${message}`);
    }
    await this.panel.webview.postMessage(result);
    // Written or not, the gallery shows the file as it is now: after a refusal, what changed underneath.
    await this.refresh();
  }

  /** The labels file's open document, if any, as a label edit needs it. */
  private labelsEditor(): LabelsEditor | undefined {
    const document = this.openDocument();
    if (!document) return undefined;
    return {
      get isDirty() {
        return document.isDirty;
      },
      getText: () => document.getText(),
      replace: (change) => {
        // Applied right after getText(), in the same turn: the edit carries that document version,
        // and VS Code refuses it (false) if the user typed in between.
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(change.line, change.startChar, change.line, change.endChar), change.newText);
        return vscode.workspace.applyEdit(edit);
      },
    };
  }

  private openDocument(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === this.labelsUri.fsPath);
  }

  private scheduleRefresh(): void {
    // The engine writes predictions.csv atomically, but labels and predictions often change
    // together (a training run, a save of several edits): one refresh for a burst of events.
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 250);
  }

  private async refresh(): Promise<void> {
    if (!this.webviewReady) return;
    let message: HostToGalleryMessage;
    try {
      const webview = this.panel.webview;
      // An editor's unsaved text wins over the disk: the gallery shows what the user sees there,
      // and its label edits go there (labelEdit.ts). Otherwise the disk, where they go: an open
      // editor without changes may not have reloaded a label just written yet.
      const open = this.openDocument();
      const dataset = await loadGalleryDataset(
        this.labelsUri.fsPath,
        (p) => webview.asWebviewUri(vscode.Uri.file(p)).toString(),
        open?.isDirty ? open.getText() : undefined,
      );
      message = { kind: 'dataset', dataset };
      this.log.info(`gallery: ${dataset.crops.length} crops from ${this.labelsUri.fsPath}${dataset.hasPredictions ? ' with predictions' : ''}`);
    } catch (err) {
      message = { kind: 'error', message: `Could not read ${this.labelsUri.fsPath}: ${(err as Error).message}` };
      this.log.error(`gallery: ${message.message}`);
    }
    await this.panel.webview.postMessage(message);
  }

  private async revealRow(line: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.labelsUri);
    const position = new vscode.Position(Math.min(line, document.lineCount - 1), 0);
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      selection: new vscode.Range(position, document.lineAt(position.line).range.end),
    });
  }

  private dispose(): void {
    GalleryPanel.open.delete(this.labelsUri.fsPath);
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function galleryTitle(labelsUri: vscode.Uri): string {
  return `Gallery: ${path.basename(path.dirname(labelsUri.fsPath))}`;
}
