// "Digit Lens: Run Predictions": reads every crop of a dataset with the saved model and rewrites
// .digitlens/predictions.csv (the gallery refreshes from it), e.g. after adding new crops.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../../../common/contributions';
import { isBackendChoice } from '../../../common/domain';
import { defaultModelDir } from '../dataset/paths';
import type { EngineClient } from './engineClient';
import { pickLabelsFile } from './labelsFiles';
import { readWithShippedModel, shippedModelDir } from './shippedReadings';
import type { EngineStatusBar } from './statusBar';
import { describeMetrics } from './trainModel';

export interface PredictDeps {
  engine: EngineClient;
  statusBar: EngineStatusBar;
  log: vscode.LogOutputChannel;
  openGallery(labelsUri: vscode.Uri): void;
}

export async function runPredictions(deps: PredictDeps, arg?: unknown): Promise<void> {
  const labelsUri = await pickLabelsFile(arg, 'predict');
  if (!labelsUri) return;
  const modelJson = vscode.Uri.file(path.join(defaultModelDir(labelsUri.fsPath), 'model.json'));
  try {
    await vscode.workspace.fs.stat(modelJson);
  } catch {
    const train = 'Train Model';
    const choice = await vscode.window.showWarningMessage(`Digit Lens: no trained model for ${vscode.workspace.asRelativePath(labelsUri)} yet.`, train);
    if (choice === train) await vscode.commands.executeCommand(COMMANDS.trainModel, labelsUri);
    return;
  }
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, labelsUri).get<unknown>(SETTINGS.backend.key);
  const backend = isBackendChoice(configured) ? configured : SETTINGS.backend.values[0];
  deps.log.info(`predict: ${labelsUri.fsPath} (backend ${backend})`);
  deps.statusBar.setActivity('predicting');
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Digit Lens: predicting', cancellable: false },
      (progress) =>
        deps.engine.predict(
          { labelsPath: labelsUri.fsPath, backend },
          {
            onBackend({ backend: name, threads, note }) {
              deps.statusBar.setBackend(name, threads, note);
              if (note) deps.log.warn(`predict: ${note}`);
              progress.report({ message: `reading every crop on ${name}…` });
            },
          },
        ),
    );
    const summary = `Predicted ${result.count} crops on ${result.backend}.${result.metrics ? ` On the labeled ones (training crops included): ${describeMetrics(result.metrics, 'labeled crops')}.` : ''}`;
    deps.log.info(`predict: ${summary} -> ${result.predictionsPath}`);
    void vscode.window.showInformationMessage(`Digit Lens: ${summary}`, 'Open Gallery').then((choice) => {
      if (choice) deps.openGallery(labelsUri);
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`predict: ${message}`);
    void vscode.window.showErrorMessage(`Digit Lens: prediction failed: ${message}`);
  } finally {
    deps.statusBar.setActivity(undefined);
  }
}

/**
 * When the gallery opens on a folder with neither a model nor predictions: the shipped model's
 * readings (shippedReadings.ts), in the background; the gallery refreshes when predictions.csv
 * appears and says which model made them.
 */
export async function readWithShippedModelOnOpen(deps: Pick<PredictDeps, 'engine' | 'log'>, labelsUri: vscode.Uri, extensionUri: vscode.Uri): Promise<void> {
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, labelsUri).get<unknown>(SETTINGS.backend.key);
  const backend = isBackendChoice(configured) ? configured : SETTINGS.backend.values[0];
  const modelDir = shippedModelDir(extensionUri.fsPath);
  try {
    const outcome = await readWithShippedModel({ engine: deps.engine, shippedModelDir: modelDir, labelsPath: labelsUri.fsPath, backend });
    if (outcome === 'read') deps.log.info(`predict: ${labelsUri.fsPath} has no model of its own: read every crop with the shipped model (${modelDir})`);
  } catch (err) {
    deps.log.warn(`predict: the shipped model could not read ${labelsUri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
