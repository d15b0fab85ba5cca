// ESLint rule `digit-lens/import-zones`: each part imports only the parts, npm packages and Node
// built-ins that scripts/parts.mjs allows it (DESIGN §2). A test file (*.test.ts) may also use
// Node and test tools; files outside every part (test/, bench/, scripts/) are not restricted.
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { parts } from './parts.mjs';

const root = path.resolve(import.meta.dirname, '..');
const builtins = new Set(builtinModules);

/** @param {string} file absolute @returns {import('./parts.mjs').Part | undefined} */
export function partOf(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  return parts.find((p) => p.roots.some((r) => (r.endsWith('/') ? rel.startsWith(r) : rel === r || rel.startsWith(r.replace(/\.ts$/, '')))));
}

/** @param {string} specifier */
function packageName(specifier) {
  const segments = specifier.split('/');
  return specifier.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
}

/** @param {string[]} allowed @param {string} name */
function packageAllowed(allowed, name) {
  return allowed.some((a) => (a.endsWith('/*') ? name.startsWith(a.slice(0, -1)) : a === name));
}

/**
 * Why `from` (a part) may not import `specifier` from `file`, or undefined.
 * @param {import('./parts.mjs').Part} from @param {string} file @param {string} specifier
 */
export function zoneProblem(from, file, specifier) {
  const isTest = file.endsWith('.test.ts');
  if (specifier.startsWith('.')) {
    const target = path.resolve(path.dirname(file), specifier);
    const to = partOf(target);
    if (!to) return isTest ? undefined : `the ${from.name} part may not import ${specifier}, which is outside every part`;
    return from.mayImport.includes(to.name) ? undefined : `the ${from.name} part may not import the ${to.name} part (${specifier})`;
  }
  if (isTest) return undefined;
  if (specifier.startsWith('node:') || builtins.has(packageName(specifier))) {
    return from.node ? undefined : `the ${from.name} part may not use Node's built-in modules (${specifier})`;
  }
  return packageAllowed(from.packages, packageName(specifier)) ? undefined : `the ${from.name} part may not import the package ${packageName(specifier)}`;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importZones = {
  meta: {
    type: 'problem',
    docs: { description: 'Each part imports only what DESIGN §2 allows it (scripts/parts.mjs).' },
    schema: [],
    messages: { zone: '{{problem}}: DESIGN §2, allowed imports per part in scripts/parts.mjs' },
  },
  create(context) {
    const file = context.filename;
    const from = partOf(file);
    if (!from) return {};
    /** @param {import('estree').Node | null | undefined} source */
    const check = (source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const problem = zoneProblem(from, file, source.value);
      if (problem) context.report({ node: source, messageId: 'zone', data: { problem } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1 && node.arguments[0].type !== 'SpreadElement') check(node.arguments[0]);
      },
    };
  },
};
