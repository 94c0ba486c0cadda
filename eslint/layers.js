// A lint rule for Narwhal's layers (see README "Code layout"): each layer imports only from the
// layers before it, and only the packages its runtime has.
//
//   shared/          pure TypeScript: no Node, no DOM, no Electron
//   electron/services plain Node services: may use shared/
//   electron/serve, electron/cli   the browser shell and the CLI: shared/ + services
//   electron/app     the thin Electron glue: shared/ + services; the only place `electron` is imported
//   renderer/src     the page: shared/ and itself; never Node, never Electron
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Layers by path prefix, most specific first, with what each may import. */
export const layers = [
  { name: 'shared', prefix: 'shared/', mayImport: ['shared'], node: false, electron: false },
  { name: 'services', prefix: 'electron/services/', mayImport: ['shared', 'services'], node: true, electron: false },
  { name: 'shell', prefix: 'electron/serve/', mayImport: ['shared', 'services', 'shell'], node: true, electron: false },
  { name: 'cli', prefix: 'electron/cli/', mayImport: ['shared', 'services', 'shell', 'cli'], node: true, electron: false },
  { name: 'glue', prefix: 'electron/app/', mayImport: ['shared', 'services', 'glue'], node: true, electron: true },
  { name: 'renderer', prefix: 'renderer/src/', mayImport: ['shared', 'renderer'], node: false, electron: false },
];

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isTest = (file) => /\.(int\.)?test\.tsx?$/.test(file);

export function layerOf(file) {
  const rel = relative(root, file).split('\\').join('/');
  return layers.find((layer) => rel.startsWith(layer.prefix));
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer boundaries between shared/, electron/ services, shells, glue and renderer/' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (!from) return {};
    const test = isTest(file);
    function check(node, source) {
      if (typeof source !== 'string') return;
      // Data files (package.json for the version) belong to no layer.
      if (source.startsWith('.') && source.endsWith('.json')) return;
      if (source.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), source));
        if (!target && !test) {
          context.report({ node, message: `${from.name} may not import "${source}": it is outside the application layers.` });
        } else if (target && !from.mayImport.includes(target.name)) {
          context.report({ node, message: `${from.name} may not import from ${target.name} ("${source}"); allowed: ${from.mayImport.join(', ')}.` });
        }
        return;
      }
      if (source === 'electron' && !from.electron) {
        context.report({ node, message: `Only electron/app/ may import "electron"; ${from.name} runs under plain Node or in the page.` });
      } else if (nodeBuiltins.has(source) && !from.node && !test) {
        context.report({ node, message: `${from.name} may not use Node's "${source}": it must run without Node.` });
      } else if (from.name === 'shared' && /^(react|react-dom|zustand|@tanstack\/)/.test(source)) {
        context.report({ node, message: `shared/ is UI-free; "${source}" belongs in renderer/.` });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: rule } };
