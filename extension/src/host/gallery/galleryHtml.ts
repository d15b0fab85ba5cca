// The gallery page's HTML and its Content Security Policy. No `vscode` import: the webview test
// serves this same page from a local server, so the CSP it checks is the one VS Code gets.

export interface GalleryHtmlParts {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/** The page: CSS and the bundled script from dist/, everything else built by the script. */
export function galleryHtml(parts: GalleryHtmlParts): string {
  const { cspSource, nonce, scriptUri, styleUri } = parts;
  // style-src also allows the nonce, and the nonce is published in <meta property="csp-nonce">:
  // @vscode/webview-ui-toolkit (FAST) probes for :focus-visible support by inserting a <style>
  // element carrying that nonce (and falls back to <style> elements for its component styles where
  // constructable stylesheets are missing). Its components' styles otherwise go through
  // adoptedStyleSheets, which CSP does not govern. No 'unsafe-inline' anywhere.
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
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>Digit Lens gallery</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
