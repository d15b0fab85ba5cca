// package.json declares what VS Code shows; common/contributions.ts is what the code uses. They
// must name the same commands, language, view and settings, with the domain's enum values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, DASHBOARD_VIEW_TYPE, GALLERY_VIEW_TYPE, INSPECTOR_VIEW_TYPE, LABELS_FILE_NAME, LABELS_LANGUAGE_ID, SETTINGS, SETTINGS_SECTION } from './contributions';

interface Manifest {
  activationEvents: string[];
  contributes: {
    languages: { id: string; filenames: string[] }[];
    commands: { command: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { enum?: string[]; default?: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as Manifest;
const ids = new Set<string>(Object.values(COMMANDS));

test('package.json contributes exactly the commands the code registers', () => {
  assert.deepEqual(new Set(manifest.contributes.commands.map((c) => c.command)), ids);
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok(ids.has(item.command), `${menu} names ${item.command}`);
  }
  // Each webview panel's serializer needs its view type to activate the extension after a reload.
  const viewTypes: string[] = [GALLERY_VIEW_TYPE, INSPECTOR_VIEW_TYPE, DASHBOARD_VIEW_TYPE];
  assert.deepEqual(manifest.activationEvents.filter((e) => e.startsWith('onWebviewPanel:')).sort(), viewTypes.map((v) => `onWebviewPanel:${v}`).sort());
  for (const event of manifest.activationEvents) {
    const [kind, value] = event.split(':');
    if (kind === 'onCommand') assert.ok(ids.has(value), event);
    if (kind === 'onWebviewPanel') assert.ok(viewTypes.includes(value), event);
    if (kind === 'onLanguage') assert.equal(value, LABELS_LANGUAGE_ID);
    if (kind === 'workspaceContains') assert.ok(value.endsWith(`/${LABELS_FILE_NAME}`), event);
  }
});

test('the labels language and the when-clauses name the same language and file', () => {
  assert.deepEqual(manifest.contributes.languages.map((l) => [l.id, l.filenames]), [[LABELS_LANGUAGE_ID, [LABELS_FILE_NAME]]]);
  for (const items of Object.values(manifest.contributes.menus)) {
    for (const { when } of items) {
      const lang = /editorLangId == ([\w-]+)/.exec(when ?? '');
      if (lang) assert.equal(lang[1], LABELS_LANGUAGE_ID);
      const file = /resourceFilename == ([\w.-]+)/.exec(when ?? '');
      if (file) assert.equal(file[1], LABELS_FILE_NAME);
    }
  }
});

test('settings: the same keys, and the enums are the domain lists in order', () => {
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(properties).sort(), Object.values(SETTINGS).map((s) => `${SETTINGS_SECTION}.${s.key}`).sort());
  for (const setting of Object.values(SETTINGS)) {
    const declared = properties[`${SETTINGS_SECTION}.${setting.key}`];
    if ('values' in setting) {
      assert.deepEqual(declared.enum, [...setting.values], setting.key);
      assert.equal(declared.default, setting.values[0], `${setting.key} defaults to the first value`);
    } else assert.equal(declared.enum, undefined, setting.key);
  }
});
