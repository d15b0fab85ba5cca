// The inspector webview panel: what every head of the model sees in one crop. One per labels file,
// opened beside the gallery, reused when open, restored after a reload by a serializer. The host
// owns which row is shown and reads it from the labels file (an editor's unsaved text first); the
// page owns what the user looks at and asks for explanations, which the engine worker computes
// (never this thread), one at a time and only the latest (explainRequests.ts).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, INSPECTOR_VIEW_TYPE, SETTINGS, SETTINGS_SECTION } from '../../../../common/contributions';
import { DERIVED } from '../../../../common/derivedPaths';
import { isBackendChoice, type BackendName } from '../../../../common/domain';
import {
  isInspectorToHostMessage,
  type HostToInspectorMessage,
  type InspectorPlace,
  type InspectorState,
  type InspectorView,
} from '../../../../common/inspectorProtocol';
import { LabelsDocument, type LabelRow } from '../../../../common/labels';
import type { RowRef, Step } from '../../../../common/webviewProtocol';
import { defaultModelDir } from '../../dataset/paths';
import type { EngineClient } from '../engineClient';
import { GalleryPanel } from '../gallery/galleryPanel';
import { readLabelsText, revealRow, setRowLabel, watchDataset } from '../labelsDocument';
import type { EngineStatusBar } from '../statusBar';
import { datasetWebviewOptions, pageHtml } from '../webviewPanels';
import { LatestOnly, explainOptions } from './explainRequests';
import { chooseNeighbour, filePlace, findRow, inspectorRow, sameRow } from './inspectorRows';

export interface InspectorDeps {
  extensionUri: vscode.Uri;
  engine: EngineClient;
  statusBar: EngineStatusBar;
  log: vscode.LogOutputChannel;
}

interface ExplainJob {
  requestId: number;
  row: LabelRow;
  view: InspectorView;
}

/** After this long without an answer, the page is told why it may take a while. */
const SLOW_EXPLAIN_MS = 4000;

/** Why a row message goes out: a row to show, the labels file changed, or the model did. */
type RefreshReason = 'show' | 'labels' | 'model';

export class InspectorPanel {
  private static readonly open = new Map<string, InspectorPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly explains: LatestOnly<ExplainJob, HostToInspectorMessage>;
  private webviewReady = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshReason: RefreshReason = 'labels';
  /** The row shown, as last read from the labels file. */
  private current: LabelRow | undefined;
  /** Where the last next/previous led: the row, and its place in the order it was found in. */
  private stepped: { row: RowRef; place: InspectorPlace } | undefined;
  /** The last row message sent, to send a changed row only. */
  private lastSent = '';

  /**
   * Shows the inspector of `labelsUri` on `row` (or on the row it shows, when reopened), reusing
   * its panel when one is open. `preserveFocus`: the gallery keeps the keyboard (clicking through crops).
   */
  static show(deps: InspectorDeps, labelsUri: vscode.Uri, row: RowRef | undefined, preserveFocus = false): void {
    const existing = InspectorPanel.open.get(labelsUri.fsPath);
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      if (row) existing.showRow(row);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      INSPECTOR_VIEW_TYPE,
      'Inspector',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      // Kept while hidden: an explanation costs the engine a moment, and flipping tabs should not redo it.
      { ...datasetWebviewOptions(deps.extensionUri, labelsUri), retainContextWhenHidden: true },
    );
    new InspectorPanel(panel, deps, labelsUri, row);
  }

  /** Brings back the inspectors that were open before a window reload, on the rows they showed. */
  static registerSerializer(deps: InspectorDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const saved = state as Partial<InspectorState> | undefined;
        if (typeof saved?.labelsPath !== 'string' || saved.labelsPath === '') {
          panel.dispose();
          return Promise.resolve();
        }
        const labelsUri = vscode.Uri.file(saved.labelsPath);
        panel.webview.options = datasetWebviewOptions(deps.extensionUri, labelsUri);
        const row = saved.row && typeof saved.row.file === 'string' && Number.isSafeInteger(saved.row.line) ? saved.row : undefined;
        new InspectorPanel(panel, deps, labelsUri, row);
        return Promise.resolve();
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: InspectorDeps,
    private readonly labelsUri: vscode.Uri,
    private wanted: RowRef | undefined,
  ) {
    InspectorPanel.open.set(labelsUri.fsPath, this);
    this.explains = new LatestOnly(
      (job) => this.explain(job),
      (message) => void this.post(message),
      (err) => this.log.error(`inspector: ${String(err)}`),
    );
    panel.webview.html = pageHtml(panel.webview, deps.extensionUri, 'inspector');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message), null, this.disposables);

    // The labels file (a row's label or box), and what says the model changed: predictions.csv is
    // rewritten whenever a model becomes current, and model.json when one is saved.
    this.disposables.push(...watchDataset(labelsUri, [DERIVED.predictions, `${DERIVED.model}/model.json`], (what) => this.scheduleRefresh(what === 'labels' ? 'labels' : 'model')));
  }

  private get log(): vscode.LogOutputChannel {
    return this.deps.log;
  }

  private get labelsName(): string {
    return path.basename(this.labelsUri.fsPath);
  }

  private showRow(row: RowRef): void {
    this.wanted = row;
    this.current = undefined;
    void this.refresh('show');
  }

  private onMessage(message: unknown): void {
    if (!isInspectorToHostMessage(message)) {
      this.log.warn(`inspector: ignoring an unexpected message ${JSON.stringify(message)?.slice(0, 300)}`);
      return;
    }
    switch (message.kind) {
      case 'ready':
        this.webviewReady = true;
        void this.refresh('show');
        return;
      case 'explain':
        // A request for a row no longer shown was overtaken by the row message on its way: the
        // page asks again for the row it now shows.
        if (!this.current || !sameRow(message, this.current)) return;
        this.explains.submit({ requestId: message.requestId, row: this.current, view: message.view });
        return;
      case 'step':
        this.step(message.step).catch((err: unknown) => void this.post({ kind: 'notice', message: `Could not step to another crop: ${err instanceof Error ? err.message : String(err)}` }));
        return;
      case 'setLabel':
        void this.setLabel(message);
        return;
      case 'revealRow':
        void revealRow(this.labelsUri, message.line);
        return;
      case 'trainModel':
        void vscode.commands.executeCommand(COMMANDS.trainModel, this.labelsUri);
        return;
      case 'cspViolation':
        this.log.warn(`inspector: the Content Security Policy blocked ${message.blocked} (${message.directive})`);
        return;
    }
  }

  private async readRows(): Promise<readonly LabelRow[]> {
    return LabelsDocument.parse(await readLabelsText(this.labelsUri)).rows;
  }

  private scheduleRefresh(reason: RefreshReason): void {
    // A model change outranks a labels change: it needs a new explanation whatever the row.
    if (this.refreshTimer === undefined || reason === 'model') this.refreshReason = reason;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh(this.refreshReason);
    }, 250);
  }

  /**
   * Reads the row again and sends it to the page, which then asks for its explanation: always for
   * a row to show or a new model, only when the row changed for a labels file change.
   */
  private async refresh(reason: RefreshReason): Promise<void> {
    if (!this.webviewReady) return;
    const ref = this.current ?? this.wanted;
    if (!ref) {
      await this.post({ kind: 'rowGone', message: `Open a crop from the gallery, or run "Digit Lens: Inspect Crop" on a row of ${this.labelsName}.` });
      return;
    }
    let rows: readonly LabelRow[];
    try {
      rows = await this.readRows();
    } catch (err) {
      await this.post({ kind: 'rowGone', message: `Could not read ${this.labelsUri.fsPath}: ${(err as Error).message}` });
      return;
    }
    const row = findRow(rows, ref);
    if (typeof row === 'string') {
      this.lastSent = '';
      await this.post({ kind: 'rowGone', message: row });
      return;
    }
    this.current = row;
    this.wanted = row;
    const webview = this.panel.webview;
    const message: HostToInspectorMessage = {
      kind: 'row',
      labelsPath: this.labelsUri.fsPath,
      row: inspectorRow(row, this.labelsUri.fsPath, (p) => webview.asWebviewUri(vscode.Uri.file(p)).toString()),
      place: this.placeOf(rows, row),
    };
    const text = JSON.stringify(message);
    if (reason === 'labels' && text === this.lastSent) return;
    this.lastSent = text;
    this.panel.title = `Inspect ${path.posix.basename(row.file)}`;
    GalleryPanel.inspecting(this.labelsUri.fsPath, row);
    await this.post(message);
  }

  /** Where next/previous will go from `row`: the gallery's order while it is open (it answers when in view), else the file's. */
  private placeOf(rows: readonly LabelRow[], row: LabelRow): InspectorPlace {
    const stepped = this.stepped && sameRow(this.stepped.row, row) ? this.stepped.place : undefined;
    const galleryOpen = GalleryPanel.isOpen(this.labelsUri.fsPath);
    if (galleryOpen && stepped?.navigation === 'gallery') return stepped;
    // The gallery did not answer the last step (hidden behind another tab): the file's order it was.
    if (galleryOpen && stepped?.navigation !== 'file') return { navigation: 'gallery' };
    return filePlace(rows, row);
  }

  private async step(step: Step): Promise<void> {
    const from = this.current;
    if (!from) return;
    const answer = await GalleryPanel.neighbour(this.labelsUri.fsPath, from, step);
    const outcome = chooseNeighbour(answer, await this.readRows(), from, step, this.labelsName);
    if ('notice' in outcome) {
      await this.post({ kind: 'notice', message: outcome.notice });
      return;
    }
    this.stepped = { row: outcome.row, place: outcome.place };
    this.showRow(outcome.row);
  }

  private async explain(job: ExplainJob): Promise<HostToInspectorMessage> {
    const { requestId, row, view } = job;
    const labelsPath = this.labelsUri.fsPath;
    const modelJson = path.join(defaultModelDir(labelsPath), 'model.json');
    try {
      await fs.access(modelJson);
    } catch {
      return { kind: 'explainFailed', requestId, noModel: true, message: `No trained model for ${path.basename(path.dirname(labelsPath))} yet: train a model first.` };
    }
    const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, this.labelsUri).get<unknown>(SETTINGS.backend.key);
    const backend = isBackendChoice(configured) ? configured : SETTINGS.backend.values[0];
    const started = Date.now();
    // The worker runs one request at a time: behind a training run, an explanation waits for it.
    const slow = setTimeout(
      () => void this.post({ kind: 'notice', message: 'Still computing: the engine runs one job at a time, and a training run or a prediction may be ahead of this one.' }),
      SLOW_EXPLAIN_MS,
    );
    const onBackend = ({ backend: name, threads, note }: { backend: BackendName; threads: number; note?: string }): void => this.deps.statusBar.setBackend(name, threads, note);
    try {
      // SmoothGrad costs several plain passes: the plain masks first, so the page answers at once,
      // then SmoothGrad's in their place (unless the user has moved on meanwhile).
      if (view.smoothGrad > 0) {
        const preview = await this.deps.engine.explain(explainOptions(labelsPath, row, { ...view, smoothGrad: 0 }, backend), { onBackend });
        await this.post({ kind: 'explanation', requestId, result: preview, refining: true });
        if (this.explains.superseded) return { kind: 'explanation', requestId, result: preview, refining: false };
      }
      const result = await this.deps.engine.explain(explainOptions(labelsPath, row, view, backend), { onBackend });
      this.log.info(`inspector: ${row.file} (line ${row.line + 1}) explained in ${Date.now() - started} ms (engine ${Math.round(result.milliseconds)} ms)`);
      return { kind: 'explanation', requestId, result, refining: false };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`inspector: ${row.file} (line ${row.line + 1}): ${message}`);
      return { kind: 'explainFailed', requestId, noModel: false, message: `The engine could not explain ${row.file}: ${message}` };
    } finally {
      clearTimeout(slow);
    }
  }

  private async setLabel(edit: Parameters<typeof setRowLabel>[1]): Promise<void> {
    const result = await setRowLabel(this.labelsUri, edit, 'inspector', this.log);
    await this.post(result);
    // Written or not, the page shows the row as it is now (its new label, or what changed underneath).
    await this.refresh('labels');
  }

  private post(message: HostToInspectorMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    InspectorPanel.open.delete(this.labelsUri.fsPath);
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
