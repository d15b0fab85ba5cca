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
  // style-src also needs the nonce: @vscode/webview-ui-toolkit (FAST) injects its component
  // styles as <style> elements where constructable stylesheets are unavailable, and its design
  // tokens write a <style> too; it reads the nonce from the script tag's `nonce` (FAST's
  // nonce support). No 'unsafe-inline' anywhere.
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
