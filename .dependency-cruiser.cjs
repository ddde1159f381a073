// `npm run cycles`: no import cycle anywhere, type-only imports included (a cycle of
// types still ties two modules into one). The floors themselves are a lint rule
// (scripts/lint/layers.mjs); this check catches the circles a floor rule cannot see,
// inside one floor.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle: move the shared part down, or pass it in as a small interface.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
  },
};
