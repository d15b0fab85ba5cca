// "Digit Lens: Use Candidate Model": the user takes the model a training run kept beside the
// current one (it read fewer validation crops right) as current; the engine swaps it in and
// rewrites predictions.csv, which the gallery picks up.
import * as vscode from 'vscode';
import { SETTINGS, SETTINGS_SECTION } from '../../../common/contributions';
import { isBackendChoice } from '../../../common/domain';
import { candidateModelDir } from '../dataset/paths';
import type { EngineClient } from './engineClient';
import { pickLabelsFile } from './labelsFiles';
import { describeModel, readModelSummary } from './modelSummary';
import type { EngineStatusBar } from './statusBar';

export interface UseCandidateDeps {
  engine: EngineClient;
  statusBar: EngineStatusBar;
  log: vscode.LogOutputChannel;
}

export async function useCandidateModel(deps: UseCandidateDeps, arg?: unknown): Promise<void> {
  const labelsUri = await pickLabelsFile(arg, 'take the candidate model of');
  if (!labelsUri) return;
  const candidate = await readModelSummary(candidateModelDir(labelsUri.fsPath));
  if (!candidate) {
    void vscode.window.showInformationMessage(
      `Digit Lens: ${vscode.workspace.asRelativePath(labelsUri)} has no candidate model. A training run keeps one only when the current model reads more validation crops right.`,
    );
    return;
  }
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, labelsUri).get<unknown>(SETTINGS.backend.key);
  const backend = isBackendChoice(configured) ? configured : SETTINGS.backend.values[0];
  deps.log.info(`use candidate: ${describeModel(candidate)} for ${labelsUri.fsPath}`);
  deps.statusBar.setActivity('predicting');
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Digit Lens: using the candidate model', cancellable: false },
      () => deps.engine.useCandidate({ labelsPath: labelsUri.fsPath, backend }, { onBackend: ({ backend: name, threads, note }) => deps.statusBar.setBackend(name, threads, note) }),
    );
    const message = `The candidate model (${describeModel(candidate)}) is current; predicted ${result.count} crops with it.`;
    deps.log.info(`use candidate: ${message}`);
    void vscode.window.showInformationMessage(`Digit Lens: ${message}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`use candidate: ${message}`);
    void vscode.window.showErrorMessage(`Digit Lens: could not use the candidate model: ${message}`);
  } finally {
    deps.statusBar.setActivity(undefined);
  }
}
