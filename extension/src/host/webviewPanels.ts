// What the Digit Lens webview panels (gallery, inspector) share on the VS Code side: the page
// HTML with a fresh nonce, and what the webview may read from disk.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { webviewHtml, type WebviewPageName } from './webviewHtml';

/** The page's HTML for this webview: a new nonce each time the page loads. */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPageName): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  return webviewHtml(page, {
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    distUri: (file) => webview.asWebviewUri(vscode.Uri.joinPath(dist, file)).toString(),
  });
}

/** Scripts on; readable: the crops (the dataset folder) and the bundles (dist/), nothing else on disk. */
export function datasetWebviewOptions(extensionUri: vscode.Uri, labelsUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.file(path.dirname(labelsUri.fsPath)), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}
