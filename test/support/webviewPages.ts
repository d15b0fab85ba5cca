// The webview pages (dist/ bundles) in a real Chromium, under the same HTML and CSP the extension
// gives VS Code (extension/src/host/webviewHtml.ts). VS Code's webview host cannot run outside VS
// Code, so a stand-in `acquireVsCodeApi` records what the page posts and keeps its state; the
// host's messages are delivered as window message events, as VS Code does. (test/e2e runs the real
// thing.) Shared by the gallery's and the inspector's tests.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { WEBVIEW_PAGES, webviewHtml, type WebviewPageName } from '../../extension/src/host/webviewHtml';
import { themeScript, type ThemeName } from './vscodeThemes';

const root = path.join(import.meta.dirname, '..', '..');
export const dist = path.join(root, 'dist');
export const artifacts = path.join(root, 'test-artifacts', 'webview');

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

/** Serves /<page> (gallery, inspector), /dist/<its files>, and `extra` (path -> bytes), on 127.0.0.1. */
export class WebviewServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(extra: ReadonlyMap<string, Buffer>): Promise<WebviewServer> {
    for (const page of Object.values(WEBVIEW_PAGES)) {
      for (const file of [page.script, ...page.styles]) assert.ok(existsSync(path.join(dist, file)), `dist/${file} is missing: run node scripts/build.mjs`);
    }
    const nonce = randomBytes(16).toString('base64');
    let origin = '';
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const page = url.slice(1);
      const distFile = url.startsWith('/dist/') ? path.basename(url) : undefined;
      if (Object.hasOwn(WEBVIEW_PAGES, page)) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(webviewHtml(page as WebviewPageName, { cspSource: origin, nonce, distUri: (file) => `${origin}/dist/${file}` }));
      } else if (distFile && existsSync(path.join(dist, distFile))) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(distFile)] ?? 'application/octet-stream' });
        res.end(readFileSync(path.join(dist, distFile)));
      } else if (extra.has(url)) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(url)] ?? 'application/octet-stream' });
        res.end(extra.get(url));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new WebviewServer(server, origin);
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What the stand-in recorded: every message the page posted, its last state, CSP violations. */
export interface Recorded<Posted> {
  posted: Posted[];
  state: unknown;
  cspViolations: string[];
}

// A string, not a function: tsx's transform would add helpers the page does not have.
const standInScript = `
  window.__recorded = { posted: [], state: window.__initialState, cspViolations: [] };
  document.addEventListener('securitypolicyviolation', (e) => window.__recorded.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage: (m) => {
        window.__recorded.posted.push(JSON.parse(JSON.stringify(m)));
        // The gallery's thumbnails, when the test named the rows' image URIs (galleryPages.ts).
        if (m.kind === 'thumbnails' && window.__thumbnailUris) {
          const items = m.rows.map((r) => (window.__thumbnailUris[r.line + '\u0000' + r.file] ? { ...r, imageUri: window.__thumbnailUris[r.line + '\u0000' + r.file] } : { ...r, problem: 'no image' }));
          setTimeout(() => window.postMessage({ kind: 'thumbnails', size: 64, items, pixels: new Uint8Array(0) }, '*'), 0);
        }
      },
      getState: () => window.__recorded.state,
      setState: (s) => { window.__recorded.state = JSON.parse(JSON.stringify(s)); },
    };
  };`;

/**
 * Opens `page` with the stand-in API installed before the page's script runs; page errors go to
 * `errors`. `state` is what getState() returns at first (the state VS Code restores after a
 * reload); `theme`, VS Code's CSS variables and body class (none: the stylesheets' fallbacks).
 */
export async function openWebview(
  browser: Browser,
  server: WebviewServer,
  page: WebviewPageName,
  errors: string[],
  options: { width?: number; height?: number; state?: unknown; theme?: ThemeName } = {},
): Promise<Page> {
  const tab = await browser.newPage({ viewport: { width: options.width ?? 1000, height: options.height ?? 700 } });
  tab.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  if (options.theme) await tab.addInitScript(themeScript(options.theme));
  if (options.state !== undefined) await tab.addInitScript(`window.__initialState = ${JSON.stringify(options.state)};`);
  await tab.addInitScript(standInScript);
  await tab.goto(`${server.origin}/${page}`);
  return tab;
}

export function recorded<Posted>(page: Page): Promise<Recorded<Posted>> {
  return page.evaluate(() => (window as unknown as { __recorded: Recorded<Posted> }).__recorded);
}

/** Delivers a host message to the page, as VS Code does (a window message event). */
export function post<Message>(page: Page, message: Message): Promise<void> {
  return page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Waits until the page has posted a message that `match` accepts, and returns it. */
export async function waitForPosted<Posted extends { kind: string }>(page: Page, kind: Posted['kind'], what = kind, timeout = 10_000): Promise<Posted> {
  await page.waitForFunction((k) => (window as unknown as { __recorded: Recorded<{ kind: string }> }).__recorded.posted.some((m) => m.kind === k), kind, { timeout }).catch((err: unknown) => {
    throw new Error(`the page never posted ${what}: ${String(err)}`);
  });
  const found = (await recorded<Posted>(page)).posted.filter((m) => m.kind === kind);
  return found[found.length - 1];
}
