// The training dashboard webview panel: one per labels file, restored after a reload by a
// serializer. It lists the run history (.digitlens/runs/, common/trainingRun.ts), sends the run the
// page shows in full, follows the runs folder on disk (a run made on the command line shows as its
// record grows) and forwards a palette training run's progress live. A click on a confusion cell
// opens the gallery on exactly the crops behind it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE } from '../../../../common/contributions';
import { isDashboardToHostMessage, type DashboardState, type HostToDashboardMessage } from '../../../../common/dashboardProtocol';
import { DERIVED } from '../../../../common/derivedPaths';
import type { TrainProgress } from '../../../../common/engineProtocol';
import { isRunId, runFileName, summarizeRun } from '../../../../common/trainingRun';
import type { GalleryFileSet } from '../../../../common/webviewProtocol';
import { runsDir } from '../../dataset/paths';
import { readRunHistory, readRunRecord } from '../../dataset/runHistory';
import { watchDataset } from '../labelsDocument';
import { pageHtml } from '../webviewPanels';

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Opens the gallery of a labels file on exactly these crops. */
  showFiles(labelsUri: vscode.Uri, set: GalleryFileSet): void;
}

/** How long a burst of run file writes is gathered into one refresh. */
const REFRESH_DELAY_MS = 300;

export class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private webviewReady = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The run the page shows (it asked for it last). */
  private shownRun: string | undefined;

  static show(deps: DashboardDeps, labelsUri: vscode.Uri): void {
    const existing = DashboardPanel.open.get(labelsUri.fsPath);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, dashboardTitle(labelsUri), vscode.ViewColumn.Active, {
      ...dashboardWebviewOptions(deps.extensionUri),
      // Live curves keep coming while the tab is hidden; keeping the page avoids redrawing all of them.
      retainContextWhenHidden: true,
    });
    new DashboardPanel(panel, deps, labelsUri);
  }

  static registerSerializer(deps: DashboardDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const labelsPath = (state as Partial<DashboardState> | undefined)?.labelsPath;
        if (typeof labelsPath !== 'string' || labelsPath === '') {
          panel.dispose();
          return Promise.resolve();
        }
        const labelsUri = vscode.Uri.file(labelsPath);
        panel.webview.options = dashboardWebviewOptions(deps.extensionUri);
        panel.title = dashboardTitle(labelsUri);
        new DashboardPanel(panel, deps, labelsUri);
        return Promise.resolve();
      },
    });
  }

  /** A training run of this labels file started: the open dashboard lists it and shows it. */
  static runStarted(labelsPath: string, runId: string): void {
    void DashboardPanel.open.get(labelsPath)?.sendRuns(runId);
  }

  /** A training run of this labels file moved on: the open dashboard draws the new point at once. */
  static progress(labelsPath: string, runId: string, progress: TrainProgress): void {
    const dashboard = DashboardPanel.open.get(labelsPath);
    if (dashboard?.webviewReady) void dashboard.post({ kind: 'progress', runId, progress });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: DashboardDeps,
    private readonly labelsUri: vscode.Uri,
  ) {
    DashboardPanel.open.set(labelsUri.fsPath, this);
    panel.webview.html = pageHtml(panel.webview, deps.extensionUri, 'dashboard');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message), null, this.disposables);
    this.disposables.push(
      ...watchDataset(labelsUri, [`${DERIVED.runs}/*.json`], (what) => {
        if (what === 'labels') return;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
      }),
    );
  }

  private onMessage(message: unknown): void {
    if (!isDashboardToHostMessage(message)) {
      this.deps.log.warn(`dashboard: ignoring an unexpected message ${JSON.stringify(message)?.slice(0, 300)}`);
      return;
    }
    switch (message.kind) {
      case 'ready':
        this.webviewReady = true;
        void this.sendRuns();
        return;
      case 'selectRun':
        this.shownRun = message.runId;
        void this.sendRun(message.runId);
        return;
      case 'openCell':
        this.deps.log.info(`dashboard: the gallery of ${message.labelsPath} on ${message.files.length} crop(s): ${message.title}`);
        this.deps.showFiles(vscode.Uri.file(message.labelsPath), { title: message.title, files: message.files });
        return;
      case 'cspViolation':
        this.deps.log.warn(`dashboard: the Content Security Policy blocked ${message.blocked} (${message.directive})`);
        return;
    }
  }

  private async refresh(): Promise<void> {
    await this.sendRuns();
    if (this.shownRun) await this.sendRun(this.shownRun);
  }

  private async sendRuns(select?: string): Promise<void> {
    if (!this.webviewReady) return;
    try {
      const history = await readRunHistory(runsDir(this.labelsUri.fsPath));
      for (const p of history.problems) this.deps.log.warn(`dashboard: ${p.message}`);
      await this.post({
        kind: 'runs',
        labelsPath: this.labelsUri.fsPath,
        title: path.basename(path.dirname(this.labelsUri.fsPath)),
        runs: history.runs.map(summarizeRun),
        problems: history.problems,
        select,
      });
    } catch (err) {
      this.deps.log.error(`dashboard: cannot read the run history: ${(err as Error).message}`);
    }
  }

  private async sendRun(runId: string): Promise<void> {
    if (!isRunId(runId)) return;
    try {
      const run = await readRunRecord(path.join(runsDir(this.labelsUri.fsPath), runFileName(runId)));
      await this.post({ kind: 'run', run });
    } catch (err) {
      // Listed with its problem already (sendRuns); the page keeps what it showed.
      this.deps.log.warn(`dashboard: ${(err as Error).message}`);
    }
  }

  private post(message: HostToDashboardMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    DashboardPanel.open.delete(this.labelsUri.fsPath);
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Scripts on; readable: the bundles (dist/) only. The page shows figures, no crops. */
function dashboardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

function dashboardTitle(labelsUri: vscode.Uri): string {
  return `Training: ${path.basename(path.dirname(labelsUri.fsPath))}`;
}
