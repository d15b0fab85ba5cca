// The model follows the labels: whenever a labels file changes on disk (a fix typed in the
// gallery or the inspector, a save from the editor, or another program), the engine refits the
// current model's last layers to it (a quick retrain, seconds), and predictions.csv, the gallery's overlays and the label-error
// scores follow. Off with the setting digitLens.quickRetrainAfterFix; skipped while a training
// runs, and for a dataset without a model of its own (nothing to refit).
// Once many rows changed since training, the user is offered a fine-tune of the whole network,
// once per model (fineTuneOffer.ts says when and why).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, LABELS_FILE_NAME, SETTINGS, SETTINGS_SECTION } from '../../../common/contributions';
import { isBackendChoice } from '../../../common/domain';
import { defaultModelDir } from '../dataset/paths';
import type { EngineClient } from './engineClient';
import { fineTuneOfferText, needsFineTune } from './fineTuneOffer';
import { onDidWriteLabels } from './labelsDocument';
import type { EngineStatusBar } from './statusBar';

/** A burst of saves (several fixes, or a save after an edit) is one update. */
const SETTLE_MS = 700;

export class QuickRetrainOnSave implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  /** The models (by labels file and model date) whose fine-tune was offered already. */
  private readonly offered = new Set<string>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher(`**/${LABELS_FILE_NAME}`);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly engine: EngineClient,
    private readonly statusBar: EngineStatusBar,
    private readonly log: vscode.LogOutputChannel,
    private readonly trainingRuns: () => boolean,
  ) {
    // Three routes, one update (schedule() merges them): a page's edit written to disk and a save
    // from the editor are known here at once; the watcher catches the rest (git, other programs).
    // An atomic write replaces the file, which some watchers report as a creation, not a change.
    this.disposables.push(
      this.watcher,
      this.watcher.onDidChange((uri) => this.schedule(uri)),
      this.watcher.onDidCreate((uri) => this.schedule(uri)),
      onDidWriteLabels((labelsPath) => this.schedule(vscode.Uri.file(labelsPath))),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (path.basename(document.uri.fsPath) === LABELS_FILE_NAME) this.schedule(document.uri);
      }),
    );
  }

  private schedule(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const key = uri.fsPath;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(uri);
      }, SETTLE_MS),
    );
  }

  private async run(uri: vscode.Uri): Promise<void> {
    const labelsPath = uri.fsPath;
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, uri);
    if (config.get<unknown>(SETTINGS.quickRetrainAfterFix.key) === false) return;
    if (this.trainingRuns()) return;
    // Only a dataset with a model of its own (the engine rebuilds a missing or older feature cache once).
    const hasModel = await fs.stat(path.join(defaultModelDir(labelsPath), 'meta.json')).then(
      () => true,
      () => false,
    );
    if (!hasModel) return;
    if (this.running.has(labelsPath)) {
      this.again.add(labelsPath);
      return;
    }
    this.running.add(labelsPath);
    const backend = config.get<unknown>(SETTINGS.backend.key);
    this.statusBar.setActivity('updating the model');
    try {
      const result = await this.engine.quickRetrain({ labelsPath, backend: isBackendChoice(backend) ? backend : SETTINGS.backend.values[0] });
      this.log.info(
        `quick retrain: ${vscode.workspace.asRelativePath(uri)}: last layers refitted on ${result.examples} rows (${result.changed} changed since training) in ${result.seconds.toFixed(2)} s`,
      );
      if (needsFineTune(result.changed, result.examples)) void this.offerFineTune(uri, result.changed);
    } catch (err) {
      this.log.warn(`quick retrain: ${vscode.workspace.asRelativePath(uri)}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.running.delete(labelsPath);
      this.statusBar.setActivity(undefined);
      if (this.again.delete(labelsPath)) this.schedule(uri);
    }
  }

  private async offerFineTune(uri: vscode.Uri, changed: number): Promise<void> {
    const meta = await fs.readFile(path.join(defaultModelDir(uri.fsPath), 'meta.json'), 'utf8').catch(() => '');
    const key = `${uri.fsPath}\n${/"date":\s*"([^"]*)"/.exec(meta)?.[1] ?? ''}`;
    if (this.offered.has(key)) return;
    this.offered.add(key);
    const fineTune = 'Fine-Tune Model';
    const choice = await vscode.window.showInformationMessage(fineTuneOfferText(changed), fineTune);
    if (choice === fineTune) await vscode.commands.executeCommand(COMMANDS.fineTuneModel, uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
