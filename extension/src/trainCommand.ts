// "Digit Lens: Train Model": trains in the engine worker with a cancellable progress
// notification, then reports the validation metrics. The worker writes .digitlens/model/ and
// .digitlens/predictions.csv; the gallery picks the latter up through its file watcher.
import * as vscode from 'vscode';
import type { BackendChoice, EvalMetrics, PresetName, TrainOptions, TrainResult } from '../../common/engineProtocol';
import type { EngineClient } from './engineClient';
import type { EngineStatusBar } from './statusBar';
import { pickLabelsFile } from './labelsFiles';

export interface TrainDeps {
  engine: EngineClient;
  statusBar: EngineStatusBar;
  log: vscode.LogOutputChannel;
  openGallery(labelsUri: vscode.Uri): void;
}

let running = false;

export async function trainModel(deps: TrainDeps, arg?: unknown): Promise<void> {
  if (running) {
    void vscode.window.showWarningMessage('Digit Lens: a training run is already going; cancel it from its notification first.');
    return;
  }
  const labelsUri = await pickLabelsFile(arg, 'train on');
  if (!labelsUri) return;
  // The engine reads the file from disk: labels typed but not saved would silently not count.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === labelsUri.fsPath);
  if (open?.isDirty) {
    const save = 'Save and Train';
    const choice = await vscode.window.showWarningMessage(
      `${vscode.workspace.asRelativePath(labelsUri)} has unsaved changes. Training reads the file on disk.`,
      { modal: true },
      save,
    );
    if (choice !== save || !(await open.save())) return;
  }
  const options = trainOptions(labelsUri);
  const { engine, statusBar, log } = deps;
  log.info(`train: ${JSON.stringify(options)}`);
  running = true;
  let backend = 'starting';
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Digit Lens: training', cancellable: true },
      async (progress, token) => {
        progress.report({ message: `loading the dataset (backend: ${options.backend})…` });
        let reported = 0;
        let lastLog = 0;
        return engine.train(
          options,
          {
            onBackend(name, threads, note) {
              backend = name;
              statusBar.setBackend(name, threads);
              if (note) log.warn(`train: ${note}`);
              progress.report({ message: `backend ${name}: preparing crops…` });
            },
            onSkipped(skipped) {
              log.warn(`train: skipped ${skipped.length} crop(s), e.g. ${skipped[0]?.file}: ${skipped[0]?.reason}`);
            },
            onProgress(p) {
              const fraction = Math.max(0, Math.min(1, p.fraction));
              const increment = Math.max(0, fraction - reported) * 100;
              reported = Math.max(reported, fraction);
              statusBar.setActivity(`training ${Math.round(fraction * 100)}%`);
              progress.report({
                increment,
                message: `epoch ${p.epoch + 1} · loss ${p.loss.toFixed(3)} · accuracy ${percent(p.sequenceAccuracy)} · ${Math.round(p.imagesPerSecond)} img/s · ${backend}`,
              });
              if (p.elapsedSeconds - lastLog >= 5) {
                lastLog = p.elapsedSeconds;
                log.info(
                  `train: epoch ${p.epoch + 1} step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''} loss ${p.loss.toFixed(4)} ` +
                    `sequence accuracy ${percent(p.sequenceAccuracy)} ${p.imagesPerSecond.toFixed(1)} img/s`,
                );
              }
            },
          },
          token,
        );
      },
    );
    statusBar.setBackend(result.backend, 0);
    // Not awaited: the run is over even while the message waits for the user.
    void reportResult(deps, labelsUri, result);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`train: ${message}`);
    void vscode.window.showErrorMessage(`Digit Lens: training failed: ${message}`, 'Show Log').then((choice) => {
      if (choice) log.show();
    });
  } finally {
    running = false;
    statusBar.setActivity(undefined);
  }
}

function trainOptions(labelsUri: vscode.Uri): TrainOptions {
  const config = vscode.workspace.getConfiguration('digitLens', labelsUri);
  const options: TrainOptions = {
    labelsPath: labelsUri.fsPath,
    preset: config.get<PresetName>('preset', 'fast'),
    backend: config.get<BackendChoice>('backend', 'auto'),
  };
  const epochs = config.get<number | null>('trainEpochs', null);
  if (typeof epochs === 'number' && epochs >= 1) options.epochs = Math.floor(epochs);
  const budget = config.get<number | null>('timeBudgetSeconds', null);
  if (typeof budget === 'number' && budget > 0) options.timeBudgetSeconds = budget;
  const seed = config.get<number | null>('seed', null);
  if (typeof seed === 'number') options.seed = seed;
  return options;
}

export function describeMetrics(m: EvalMetrics, counted = 'validation crops'): string {
  return (
    `sequence accuracy ${percent(m.sequenceAccuracy)}, per-digit ${percent(m.digitAccuracy)}, ` +
    `length ${percent(m.lengthAccuracy)}, coverage at 98% accuracy ${percent(m.coverageAt98)} (${m.count} ${counted})`
  );
}

async function reportResult(deps: TrainDeps, labelsUri: vscode.Uri, result: TrainResult): Promise<void> {
  const summary =
    `${result.cancelled ? 'Training stopped early; model saved' : 'Training finished'} ` +
    `(${result.examples} examples, ${result.steps} steps, ${result.seconds.toFixed(0)} s on ${result.backend}). ` +
    `Validation: ${describeMetrics(result.validation)}.`;
  deps.log.info(`train: ${summary} Model: ${result.modelDir}; predictions: ${result.predictionsPath}`);
  const openGallery = 'Open Gallery';
  const choice = await vscode.window.showInformationMessage(`Digit Lens: ${summary}`, openGallery, 'Show Log');
  if (choice === openGallery) deps.openGallery(labelsUri);
  else if (choice) deps.log.show();
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
