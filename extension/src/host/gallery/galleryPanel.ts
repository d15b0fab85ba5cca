// The gallery webview panel: one per labels file, restored after a reload by a serializer,
// refreshed when labels.csv or .digitlens/predictions.csv change on disk.
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { GALLERY_VIEW_TYPE } from '../../../../common/contributions';
import { DERIVED } from '../../../../common/derivedPaths';
import { isGalleryToHostMessage, type GalleryState, type HostToGalleryMessage } from '../../../../common/webviewProtocol';
import { loadGalleryDataset } from './galleryData';
import { galleryHtml } from './galleryHtml';
import { setLabelInLabelsFile } from './labelEdit';

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
      { ...webviewOptions(extensionUri, labelsUri), retainContextWhenHidden: false },
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
        panel.webview.options = webviewOptions(extensionUri, labelsUri);
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
    panel.webview.html = this.html();
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
        void this.setLabel(message.file, message.label);
        return;
      case 'cspViolation':
        this.log.warn(`gallery: the Content Security Policy blocked ${message.blocked} (${message.directive})`);
        return;
    }
  }

  private async setLabel(file: string, label: string): Promise<void> {
    let result: HostToGalleryMessage;
    try {
      const outcome = await setLabelInLabelsFile(this.labelsUri, file, label);
      this.log.info(`gallery: label of ${file} set to ${JSON.stringify(label)} (${outcome})`);
      result = {
        kind: 'labelResult',
        file,
        ok: true,
        message: outcome === 'unsaved' ? 'Changed in the open editor, which has unsaved edits: save it to keep the label.' : undefined,
      };
    } catch (err) {
      result = { kind: 'labelResult', file, ok: false, message: (err as Error).message };
      this.log.warn(`gallery: label of ${file} not set: ${result.message}`);
    }
    await this.panel.webview.postMessage(result);
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
      // An open editor's text wins over the disk: the gallery shows what the user sees there.
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === this.labelsUri.fsPath);
      const dataset = await loadGalleryDataset(
        this.labelsUri.fsPath,
        (p) => webview.asWebviewUri(vscode.Uri.file(p)).toString(),
        open?.getText(),
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

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'gallery.css'));
    return galleryHtml({ cspSource: webview.cspSource, nonce, scriptUri: script.toString(), styleUri: style.toString() });
  }

  private dispose(): void {
    GalleryPanel.open.delete(this.labelsUri.fsPath);
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri, labelsUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    // The crops (the dataset folder) and the bundle (dist/); nothing else on disk is readable.
    localResourceRoots: [vscode.Uri.file(path.dirname(labelsUri.fsPath)), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

function galleryTitle(labelsUri: vscode.Uri): string {
  return `Gallery: ${path.basename(path.dirname(labelsUri.fsPath))}`;
}
