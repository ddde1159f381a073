import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { floors, layersRule, placeOf } from './layers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const srcMain = path.join(root, 'src-main');

/** The messages the rule gives `code` as if it were the file at src-main/<file>. */
function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: root });
  const config = [{ files: ['**/*.ts'], plugins: { framehouse: { rules: { layers: layersRule } } }, rules: { 'framehouse/layers': 'error' as const } }];
  return linter.verify(code, config, { filename: path.join(srcMain, file) }).map((m) => m.message);
}

describe('the layering rule', () => {
  it('refuses an import up a floor, naming both floors', () => {
    expect(lint('formats/fmp4/x.ts', "import { a } from '../../api/server.js';")).toEqual([expect.stringMatching(/the formats floor may not import the api floor/)]);
    expect(lint('dvr/x.ts', "import { a } from '../http/send-file.js';")).toEqual([expect.stringMatching(/the domain floor may not import the http floor/)]);
    expect(lint('contract/x.ts', "export { a } from '../media/frame.js';")).toEqual([expect.stringMatching(/the contract floor may not import the media floor/)]);
    expect(lint('streams/x.ts', "const m = await import('../ingest/rtmp/rtmp-server.js');")).toHaveLength(1);
  });

  it('lets imports run down or sideways on one floor', () => {
    expect(lint('api/routes/x.ts', "import { a } from '../../formats/fmp4/index.js';\nimport { b } from '../../http/send-file.js';")).toEqual([]);
    expect(lint('export/x.ts', "import { a } from '../delivery/media-jobs.js';")).toEqual([]);
    expect(lint('studio.ts', "import { a } from './api/server.js';")).toEqual([]);
    expect(lint('dvr/x.ts', "import fs from 'node:fs';\nimport { Type } from 'typebox';")).toEqual([]);
  });

  it('keeps the test kits out of the studio, and lets tests import anything', () => {
    expect(lint('studio.ts', "import { a } from './test-support/temp-dir.js';")).toEqual([expect.stringMatching(/test kits/)]);
    expect(lint('dvr/x.ts', "import { a } from '../formats/fmp4/testing/y.js';")).toEqual([expect.stringMatching(/test kits/)]);
    expect(lint('formats/x.test.ts', "import { a } from '../studio.js';")).toEqual([]);
    expect(lint('bench/x.ts', "import { a } from '../api/server.js';")).toEqual([]);
  });

  it('puts every folder of src-main on exactly one floor', () => {
    const held = floors.flatMap((f) => f.holds);
    expect(new Set(held).size).toBe(held.length);
    expect(placeOf(path.join(srcMain, 'dvr', 'dvr-index.ts'), srcMain)).toMatchObject({ name: 'domain' });
    expect(() => placeOf(path.join(srcMain, 'nowhere', 'x.ts'), srcMain)).toThrow(/on no floor/);
  });
});
