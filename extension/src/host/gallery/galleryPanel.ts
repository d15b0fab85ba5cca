// The gallery webview panel: one per labels file, restored after a reload by a serializer,
// refreshed when labels.csv or .digitlens/predictions.csv change on disk. A click on a crop opens
// the inspector; the inspector asks the gallery for the next crop in its filter and order.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GALLERY_VIEW_TYPE } from '../../../../common/contributions';
import { DERIVED } from '../../../../common/derivedPaths';
import {
  isGalleryToHostMessage,
  type GalleryDataset,
  type GalleryFileSet,
  type GalleryNeighbour,
  type GalleryState,
  type HostToGalleryMessage,
  type RowRef,
  type SetLabelMessage,
  type SetLabelsMessage,
  type Step,
  type ThumbnailsRequest,
} from '../../../../common/webviewProtocol';
import { revealRow, setRowLabel, setRowLabels, unsavedLabelsText, watchDataset } from '../labelsDocument';
import { datasetWebviewOptions, pageHtml } from '../webviewPanels';
import { GALLERY_FIRST_ROWS, loadGalleryDataset, type RowsByLine } from './galleryData';
import { GALLERY_WORKER, GalleryClosedError, GalleryReader } from './galleryReader';
import { GalleryThumbnails } from './galleryThumbnails';

/** What the gallery needs from the rest of the extension. */
export interface GalleryDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Opens the inspector on a row of this labels file (a click on a crop). */
  inspect(labelsUri: vscode.Uri, row: RowRef): void;
}

/** How long the inspector waits for the gallery's answer before it steps in the file's order instead. */
const NEIGHBOUR_TIMEOUT_MS = 2000;

export class GalleryPanel {
  private static readonly open = new Map<string, GalleryPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private webviewReady = false;
  private nextRequestId = 1;
  private readonly neighbourAnswers = new Map<number, (answer: GalleryNeighbour | undefined) => void>();
  /** A file set to show once the page is ready (it was opening or coming back from hidden). */
  private pendingFileSet: GalleryFileSet | undefined;
  /** The rows by line as the page last got them: what its thumbnail requests name. */
  private rows: RowsByLine = new Map();
  private readonly thumbnails: GalleryThumbnails;
  /** Whole reads, off the extension host's thread. */
  private readonly reader: GalleryReader;
  /**
   * The file's first rows, read while the page boots, for its first paint: at 250,000 rows reading
   * them all takes a second, and the page need not wait for it (the whole dataset follows). Small
   * files are read whole here. Dropped when the files change before the page asks.
   */
  private prefetched: Promise<Loaded | undefined> | undefined;

  /** Shows the gallery of `labelsUri`, reusing its panel when one is open. */
  static show(deps: GalleryDeps, labelsUri: vscode.Uri): void {
    const existing = GalleryPanel.open.get(labelsUri.fsPath);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      GALLERY_VIEW_TYPE,
      galleryTitle(labelsUri),
      vscode.ViewColumn.Active,
      { ...datasetWebviewOptions(deps.extensionUri, labelsUri), retainContextWhenHidden: false },
    );
    new GalleryPanel(panel, deps, labelsUri);
  }

  /**
   * Opens (or reveals) the gallery of `labelsUri` showing exactly the crops of `set` (the
   * training dashboard's confusion cell); the page keeps the set until its chip is cleared.
   */
  static showFiles(deps: GalleryDeps, labelsUri: vscode.Uri, set: GalleryFileSet): void {
    const existing = GalleryPanel.open.get(labelsUri.fsPath);
    // A hidden gallery's page is unloaded (retainContextWhenHidden: false): revealing it loads it
    // anew, and it says when it is ready.
    if (existing && !existing.panel.visible) existing.webviewReady = false;
    GalleryPanel.show(deps, labelsUri);
    const gallery = GalleryPanel.open.get(labelsUri.fsPath);
    if (!gallery) return;
    if (gallery.webviewReady) void gallery.panel.webview.postMessage({ kind: 'showFiles', set } satisfies HostToGalleryMessage);
    else gallery.pendingFileSet = set;
  }

  /** Brings back the galleries that were open before a window reload. */
  static registerSerializer(deps: GalleryDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const labelsPath = (state as Partial<GalleryState> | undefined)?.labelsPath;
        if (typeof labelsPath !== 'string' || labelsPath === '') {
          panel.dispose();
          return Promise.resolve();
        }
        const labelsUri = vscode.Uri.file(labelsPath);
        panel.webview.options = datasetWebviewOptions(deps.extensionUri, labelsUri);
        panel.title = galleryTitle(labelsUri);
        new GalleryPanel(panel, deps, labelsUri);
        return Promise.resolve();
      },
    });
  }

  /** Whether a gallery of this labels file is open (its next/previous are the inspector's). */
  static isOpen(labelsPath: string): boolean {
    return GalleryPanel.open.has(labelsPath);
  }

  /**
   * The crop after or before `from` in the open gallery's filter and order; undefined when no
   * gallery of the file can answer now (none open, hidden, not loaded, or no answer in time).
   */
  static neighbour(labelsPath: string, from: RowRef, step: Step): Promise<GalleryNeighbour | undefined> {
    const gallery = GalleryPanel.open.get(labelsPath);
    // A hidden gallery's page is unloaded (retainContextWhenHidden: false): nobody would answer.
    if (!gallery?.webviewReady || !gallery.panel.visible) return Promise.resolve(undefined);
    return gallery.askNeighbour(from, step);
  }

  /** Tells the gallery of this labels file which row the inspector shows, to mark it. */
  static inspecting(labelsPath: string, row: RowRef): void {
    const gallery = GalleryPanel.open.get(labelsPath);
    if (gallery?.webviewReady) void gallery.panel.webview.postMessage({ kind: 'inspecting', ...row } satisfies HostToGalleryMessage);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: GalleryDeps,
    private readonly labelsUri: vscode.Uri,
  ) {
    GalleryPanel.open.set(labelsUri.fsPath, this);
    this.thumbnails = new GalleryThumbnails(labelsUri.fsPath, (p) => panel.webview.asWebviewUri(vscode.Uri.file(p)).toString());
    this.reader = new GalleryReader(vscode.Uri.joinPath(deps.extensionUri, 'dist', GALLERY_WORKER).fsPath);
    panel.webview.html = pageHtml(panel.webview, deps.extensionUri, 'gallery');
    this.prefetched = this.load(GALLERY_FIRST_ROWS);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message), null, this.disposables);

    this.disposables.push(...watchDataset(labelsUri, [DERIVED.predictions], () => this.scheduleRefresh()));
  }

  private get log(): vscode.LogOutputChannel {
    return this.deps.log;
  }

  private onMessage(message: unknown): void {
    if (!isGalleryToHostMessage(message)) {
      this.log.warn(`gallery: ignoring an unexpected message ${JSON.stringify(message)}`);
      return;
    }
    switch (message.kind) {
      case 'ready':
        this.webviewReady = true;
        if (this.pendingFileSet) void this.panel.webview.postMessage({ kind: 'showFiles', set: this.pendingFileSet } satisfies HostToGalleryMessage);
        this.pendingFileSet = undefined;
        void this.refresh();
        return;
      case 'refresh':
        void this.refresh();
        return;
      case 'revealRow':
        void revealRow(this.labelsUri, message.line);
        return;
      case 'inspectRow':
        this.deps.inspect(this.labelsUri, { line: message.line, file: message.file });
        return;
      case 'neighbour':
        this.neighbourAnswers.get(message.requestId)?.(message.answer.status === 'unknown' ? undefined : message.answer);
        return;
      case 'thumbnails':
        void this.sendThumbnails(message);
        return;
      case 'setLabel':
        void this.setLabel(message);
        return;
      case 'setLabels':
        void this.setLabels(message);
        return;
      case 'cspViolation':
        this.log.warn(`gallery: the Content Security Policy blocked ${message.blocked} (${message.directive})`);
        return;
    }
  }

  private askNeighbour(from: RowRef, step: Step): Promise<GalleryNeighbour | undefined> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      const settle = (answer: GalleryNeighbour | undefined): void => {
        clearTimeout(timer);
        this.neighbourAnswers.delete(requestId);
        resolve(answer);
      };
      const timer = setTimeout(() => settle(undefined), NEIGHBOUR_TIMEOUT_MS);
      this.neighbourAnswers.set(requestId, settle);
      const request: HostToGalleryMessage = { kind: 'neighbourRequest', requestId, ...from, step };
      // Not delivered (the page went away meanwhile): no answer will come.
      this.panel.webview.postMessage(request).then(
        (delivered) => delivered || settle(undefined),
        () => settle(undefined),
      );
    });
  }

  private async sendThumbnails(request: ThumbnailsRequest): Promise<void> {
    try {
      // The pixels go as binary: VS Code carries typed arrays in webview messages without JSON.
      await this.panel.webview.postMessage(await this.thumbnails.answer(request.rows, this.rows));
    } catch (err) {
      this.log.warn(`gallery: thumbnails: ${(err as Error).message}`);
    }
  }

  private async setLabel(edit: SetLabelMessage): Promise<void> {
    const result = await setRowLabel(this.labelsUri, edit, 'gallery', this.log);
    await this.panel.webview.postMessage(result);
    // Written or not, the gallery shows the file as it is now: after a refusal, what changed underneath.
    await this.refresh();
  }

  private async setLabels(change: SetLabelsMessage): Promise<void> {
    const result = await setRowLabels(this.labelsUri, change, 'gallery', this.log);
    await this.panel.webview.postMessage(result);
    await this.refresh();
  }

  private scheduleRefresh(): void {
    this.prefetched = undefined;
    // The engine writes predictions.csv atomically, but labels and predictions often change
    // together (a training run, a save of several edits): one refresh for a burst of events.
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 250);
  }

  private async refresh(): Promise<void> {
    if (!this.webviewReady) return;
    const first = this.prefetched;
    this.prefetched = undefined;
    if (first) {
      const loaded = await first;
      await this.post(loaded);
      if (!loaded || !('rows' in loaded) || !loaded.message.dataset.partial) return;
    }
    await this.post(await this.load());
  }

  /** Shows what was read; nothing when the gallery closed during the read. */
  private async post(loaded: Loaded | undefined): Promise<void> {
    if (!loaded) return;
    if ('rows' in loaded) this.rows = loaded.rows;
    await this.panel.webview.postMessage(loaded.message);
  }

  /**
   * The dataset message (or why there is none) and the rows it names, as the files are now;
   * `firstRows`: those only. Undefined when the gallery closed during the read.
   */
  private async load(firstRows?: number): Promise<Loaded | undefined> {
    try {
      const started = Date.now();
      const labelsPath = this.labelsUri.fsPath;
      const labelsText = unsavedLabelsText(this.labelsUri);
      const { dataset, rows, where } =
        firstRows === undefined ? await this.readWhole(labelsPath, labelsText) : { ...(await loadGalleryDataset(labelsPath, labelsText, { firstRows })), where: '' };
      // The next read will be a whole one (the rest of the file, or a refresh after a fix).
      this.reader.warm();
      const what = dataset.partial ? `the first ${dataset.columns.count} crops` : `${dataset.columns.count} crops`;
      this.log.info(`gallery: ${what} from ${this.labelsUri.fsPath}${dataset.hasPredictions ? ' with predictions' : ''} read in ${Date.now() - started} ms${where}`);
      return { message: { kind: 'dataset', dataset }, rows };
    } catch (err) {
      if (err instanceof GalleryClosedError) return undefined;
      const message = `Could not read ${this.labelsUri.fsPath}: ${(err as Error).message}`;
      this.log.error(`gallery: ${message}`);
      return { message: { kind: 'error', message } };
    }
  }

  /** The whole read, in a worker thread (galleryReader.ts); on this thread if the worker cannot run. */
  private async readWhole(labelsPath: string, labelsText: string | undefined): Promise<{ dataset: GalleryDataset; rows: RowsByLine; where: string }> {
    try {
      return { ...(await this.reader.read(labelsPath, labelsText)), where: ' (whole, in the reader thread)' };
    } catch (err) {
      // Closed meanwhile: nobody waits for the rows, so no second read on this thread.
      if (err instanceof GalleryClosedError) throw err;
      // If the file itself cannot be read, this read fails the same way, and that error stands.
      const read = await loadGalleryDataset(labelsPath, labelsText);
      this.log.warn(`gallery: read on the extension host's thread: the reader thread failed (${(err as Error).message})`);
      return { ...read, where: ' (whole, on the extension host thread)' };
    }
  }

  private dispose(): void {
    GalleryPanel.open.delete(this.labelsUri.fsPath);
    clearTimeout(this.refreshTimer);
    this.reader.dispose();
    for (const settle of [...this.neighbourAnswers.values()]) settle(undefined);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

type Loaded = { message: HostToGalleryMessage & { kind: 'dataset' }; rows: RowsByLine } | { message: HostToGalleryMessage & { kind: 'error' } };

function galleryTitle(labelsUri: vscode.Uri): string {
  return `Gallery: ${path.basename(path.dirname(labelsUri.fsPath))}`;
}
