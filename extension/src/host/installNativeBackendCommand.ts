// "Digit Lens: Install GPU Backend" and "Digit Lens: Install Native CPU Backend": npm installs the
// native TensorFlow.js package into the extension's global storage (nativeBackendInstall.ts) with
// a progress notification; then the engine worker is restarted and asked which backend it runs
// on, and the user is told that, in one message, with the reason when it is not the new one.
import * as vscode from 'vscode';
import type { NativeBackendName } from '../../../common/nativeBackends';
import { installAndReport, NATIVE_BACKEND_WHAT, type InstallBackendDeps } from './nativeBackendInstall';

export interface InstallBackendCommandDeps extends Omit<InstallBackendDeps, 'log' | 'storageDir'> {
  log: vscode.LogOutputChannel;
  storageUri: vscode.Uri;
}

export async function installNativeBackendCommand(deps: InstallBackendCommandDeps, backend: NativeBackendName): Promise<void> {
  const what = NATIVE_BACKEND_WHAT[backend];
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Digit Lens: installing ${what} (downloads libtensorflow)`, cancellable: false },
    (progress) =>
      installAndReport({ ...deps, storageDir: deps.storageUri.fsPath }, backend, (message) => progress.report({ message })).catch((err: unknown) => ({
        error: true,
        message: `Digit Lens: could not install ${what}: ${err instanceof Error ? err.message : String(err)}`,
      })),
  );
  if (outcome.error) {
    const choice = await vscode.window.showErrorMessage(outcome.message, 'Show Log');
    if (choice === 'Show Log') deps.log.show();
  } else {
    void vscode.window.showInformationMessage(outcome.message);
  }
}
