import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSourceUrl, SourceUrlError } from './source-url.js';

const media = path.resolve('/srv/media');
const library = (folder: string, relative: string) => (folder === 'clips' && relative === 'show/intro 1.mp4' ? '/mnt/clips/show/intro 1.mp4' : null);

describe('source URLs', () => {
  it('keeps file:// inside the media folder', () => {
    expect(resolveSourceUrl('file://a/b.mp4', media)).toMatchObject({ kind: 'file', input: path.join(media, 'a/b.mp4') });
    for (const bad of ['file:///etc/passwd', 'file://../x.mp4', 'file://a/../../x.mp4', 'file://C:/x.mp4']) expect(() => resolveSourceUrl(bad, media), bad).toThrow(SourceUrlError);
  });

  it('plays a library file as live by its folder and path, and only a file the library lists', () => {
    expect(resolveSourceUrl('library://clips/show/intro%201.mp4', media, library)).toEqual({ kind: 'file', input: '/mnt/clips/show/intro 1.mp4', display: 'library://clips/show/intro%201.mp4' });
    for (const bad of ['library://clips/../../etc/passwd', 'library://clips', 'library://other/show/intro%201.mp4', 'library://clips/%E0%A4%A.mp4', 'library:///x']) {
      expect(() => resolveSourceUrl(bad, media, library), bad).toThrow(/no such file in the library/);
    }
    expect(() => resolveSourceUrl('library://clips/show/intro%201.mp4', media)).toThrow(SourceUrlError);
  });
});
