// The studio's floors, bottom to top (docs/architecture.md draws them). An import may go
// down or sideways on its own floor, never up: media code never learns about HTTP, and
// the domain never about routes. Tests and the test kits (test-support/, */testing/,
// bench/, fuzz/) sit beside the building and may import anything; nothing in the
// building may import them.
import path from 'node:path';

/** Each floor lists the top-level folders (or files) of src-main/ it holds. */
export const floors = [
  { name: 'contract', holds: ['contract'] },
  { name: 'media', holds: ['media'] },
  { name: 'formats', holds: ['formats'] },
  { name: 'infrastructure', holds: ['db', 'net', 'log', 'files', 'config', 'events', 'system', 'version.ts', 'types'] },
  { name: 'streams', holds: ['streams'] },
  { name: 'domain', holds: ['dvr', 'recordings', 'transcode', 'vod', 'mixer'] },
  { name: 'adapters', holds: ['ingest', 'delivery', 'export'] },
  { name: 'http', holds: ['http'] },
  { name: 'api', holds: ['api'] },
  { name: 'composition', holds: ['studio.ts', 'cli.ts', 'desktop', 'electron'] },
];

const testKits = new Set(['test-support', 'bench', 'fuzz']);

const floorOf = new Map(floors.flatMap((floor, rank) => floor.holds.map((top) => [top, { ...floor, rank }])));

/** Where a file of src-main/ stands: its floor, or 'kit' for test code, or null outside src-main/. */
export function placeOf(file, srcMain) {
  const rel = path.relative(srcMain, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const parts = rel.replace(/\.js$/, '.ts').split(path.sep);
  if (testKits.has(parts[0]) || parts.includes('testing') || /\.test\.tsx?$/.test(rel)) return 'kit';
  const floor = floorOf.get(parts[0]);
  if (!floor) throw new Error(`scripts/lint/layers.mjs: src-main/${parts[0]} is on no floor; add it to the table`);
  return floor;
}

/** ESLint rule: reports an import that runs up a floor, or from the building into a test kit. */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports in src-main/ run down the floors of docs/architecture.md, never up.' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const srcMain = path.join(context.cwd, 'src-main');
    const from = placeOf(file, srcMain);
    if (from === null || from === 'kit') return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = placeOf(path.resolve(path.dirname(file), spec), srcMain);
      if (to === null) return;
      if (to === 'kit') {
        context.report({ node: node.source, message: `${spec}: test kits (test-support/, */testing/, bench/, fuzz/) are not part of the studio; the studio may not import them.` });
      } else if (to.rank > from.rank) {
        context.report({ node: node.source, message: `${spec}: the ${from.name} floor may not import the ${to.name} floor above it (docs/architecture.md). Pass what you need in as a small interface, or move the code down.` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
