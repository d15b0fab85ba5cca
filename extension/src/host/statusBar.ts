// The status bar item that always names the TensorFlow.js backend in use (DESIGN §4), and shows
// a training run's progress while one is going.
import * as vscode from 'vscode';
import { COMMANDS } from '../../../common/contributions';
import type { BackendName } from '../../../common/domain';

export class EngineStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('digitLens.engine', vscode.StatusBarAlignment.Left, 10);
  private backend: string = 'not started';
  private threads = 0;
  /** Why the backend is not the one asked for (e.g. wasm threads failed to start), when it is not. */
  private note: string | undefined;
  private activity: string | undefined;

  constructor() {
    this.item.name = 'Digit Lens engine';
    this.item.command = COMMANDS.showLog;
    this.render();
    this.item.show();
  }

  setBackend(backend: BackendName, threads: number, note?: string): void {
    this.backend = backend;
    this.threads = threads;
    this.note = note;
    this.render();
  }

  /** Text such as "training 42%"; undefined when idle. */
  setActivity(activity: string | undefined): void {
    this.activity = activity;
    this.render();
  }

  private render(): void {
    const icon = this.activity ? '$(sync~spin)' : this.note ? '$(warning)' : '$(circuit-board)';
    this.item.text = `${icon} Digit Lens: ${this.backend}${this.activity ? ` · ${this.activity}` : ''}`;
    this.item.tooltip =
      this.backend === 'not started'
        ? 'Digit Lens: the engine starts with the first training run (the fastest backend that loads is used). Click for the log.'
        : `Digit Lens engine on TensorFlow.js backend "${this.backend}"${this.threads > 0 ? `, ${this.threads} thread(s)` : ''}.` +
          `${this.note ? ` ${this.note}.` : ''} Click for the log.`;
  }

  dispose(): void {
    this.item.dispose();
  }
}
