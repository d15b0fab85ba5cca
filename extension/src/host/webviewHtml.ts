// The HTML and Content Security Policy of every Digit Lens webview page (the gallery, the
// inspector): one builder, so both pages get the same strict policy. No `vscode` import: the
// webview tests serve these same pages from a local server, so the CSP they check is the one VS
// Code gets. Each page is one script bundle and its stylesheets, all from dist/ (scripts/build.mjs).

export interface WebviewPage {
  /** The document title (VS Code shows the panel's own title; this names the page in tools). */
  title: string;
  /** The page's script bundle in dist/. */
  script: string;
  /** Its stylesheets in dist/, in cascade order. */
  styles: readonly string[];
}

export const WEBVIEW_PAGES = {
  gallery: { title: 'Digit Lens gallery', script: 'gallery.js', styles: ['base.css', 'gallery.css'] },
  inspector: { title: 'Digit Lens inspector', script: 'inspector.js', styles: ['base.css', 'inspector.css'] },
  dashboard: { title: 'Digit Lens training dashboard', script: 'dashboard.js', styles: ['base.css', 'uplot.css', 'dashboard.css'] },
} as const satisfies Record<string, WebviewPage>;
export type WebviewPageName = keyof typeof WEBVIEW_PAGES;

export interface WebviewHtmlParts {
  /** The webview's own source expression (webview.cspSource): the only origin of images and styles. */
  cspSource: string;
  /** Fresh for each page load: the one script and the toolkit's probe carry it. */
  nonce: string;
  /** The URI the webview loads a file of dist/ from (asWebviewUri in VS Code). */
  distUri: (file: string) => string;
}

/** The page: its stylesheets and bundled script from dist/; everything else is built by the script. */
export function webviewHtml(page: WebviewPageName, parts: WebviewHtmlParts): string {
  const { title, script, styles } = WEBVIEW_PAGES[page];
  const { cspSource, nonce, distUri } = parts;
  // style-src also allows the nonce, and the nonce is published in <meta property="csp-nonce">:
  // @vscode/webview-ui-toolkit (FAST) probes for :focus-visible support by inserting a <style>
  // element carrying that nonce (and falls back to <style> elements for its component styles where
  // constructable stylesheets are missing). Its components' styles otherwise go through
  // adoptedStyleSheets, which CSP does not govern. No 'unsafe-inline' anywhere; the pages set
  // styles through the CSSOM (element.style), which CSP allows. Canvases need no directive.
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta property="csp-nonce" content="${attribute(nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((s) => `<link rel="stylesheet" href="${attribute(distUri(s))}">`).join('\n')}
<title>${title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attribute(nonce)}" src="${attribute(distUri(script))}"></script>
</body>
</html>`;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
