import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WEBVIEW_PAGES, webviewHtml, type WebviewPageName } from './webviewHtml';

const pages = Object.keys(WEBVIEW_PAGES) as WebviewPageName[];
const parts = { cspSource: 'https://res.example', nonce: 'n0nce+/=', distUri: (f: string) => `https://res.example/dist/${f}?v="1"` };

function cspOf(html: string): string[] {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page has a CSP meta tag');
  return match[1].split('; ');
}

test('every page gets the one strict policy: nothing by default, scripts by nonce only, no inline anything', () => {
  for (const page of pages) {
    const html = webviewHtml(page, parts);
    assert.deepEqual(cspOf(html), [
      "default-src 'none'",
      'img-src https://res.example',
      "script-src 'nonce-n0nce+/='",
      "style-src https://res.example 'nonce-n0nce+/='",
    ]);
    assert.doesNotMatch(html, /unsafe-|style="/);
    // One script, the page's bundle, carrying the nonce.
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="n0nce+/=" src="https://res.example/dist/${WEBVIEW_PAGES[page].script}?v=&quot;1&quot;">`]);
    const links = [...html.matchAll(/<link rel="stylesheet" href="https:\/\/res\.example\/dist\/([^?]*)\?/g)].map((m) => m[1]);
    assert.deepEqual(links, [...WEBVIEW_PAGES[page].styles]);
    assert.match(html, /<meta property="csp-nonce" content="n0nce\+\/=">/);
    assert.match(html, new RegExp(`<title>${WEBVIEW_PAGES[page].title}</title>`));
  }
});

test("the pages' files are the ones scripts/build.mjs writes to dist/", () => {
  const build = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'scripts', 'build.mjs'), 'utf8');
  for (const page of pages) {
    for (const file of [WEBVIEW_PAGES[page].script, ...WEBVIEW_PAGES[page].styles]) {
      assert.match(build, new RegExp(`join\\(dist, '${file.replace('.', '\\.')}'\\)`), `build.mjs writes dist/${file}`);
    }
  }
});
