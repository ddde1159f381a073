import { describe, expect, it } from 'vitest';
import { isRoamingAppData, spaceLevel } from './data-folder';
import { classifyDrag } from './file-drop';
import { movedUrl, portMoveMessages, portMovesKey, readPortMoves } from './port-moves';

describe('port moves', () => {
  const ctx = { host: '192.168.1.20', app: 'live' };

  it('says what moved and where to point encoders and browsers', () => {
    const messages = portMoveMessages(
      [
        { listener: 'srt', wanted: 8890, port: 8891 },
        { listener: 'rtmp', wanted: 1935, port: 1936 },
        { listener: 'http', wanted: 8935, port: 8937 },
      ],
      ctx,
    );
    expect(messages.map((m) => m.listener)).toEqual(['http', 'rtmp', 'srt']);
    expect(messages[1]).toEqual({
      listener: 'rtmp',
      text: 'RTMP port 1935 was in use by another program, so the studio took 1936: point OBS at rtmp://192.168.1.20:1936/live',
      url: 'rtmp://192.168.1.20:1936/live',
    });
    expect(messages[0]!.text).toBe('HTTP port 8935 was in use by another program, so the studio took 8937: the studio is at http://192.168.1.20:8937/ (update bookmarks and other browsers)');
    expect(messages[2]!.url).toBe('srt://192.168.1.20:8891');
  });

  it('leaves out moves that are none, and brackets IPv6 hosts', () => {
    expect(portMoveMessages([{ listener: 'rtmp', wanted: 1935, port: 1935 }], ctx)).toEqual([]);
    expect(movedUrl({ listener: 'https', wanted: 8936, port: 8938 }, { host: '::1', app: 'live' })).toBe('https://[::1]:8938/');
    expect(movedUrl({ listener: 'rtmp', wanted: 1935, port: 1940 }, { host: 'studio.local', app: 'cams' })).toBe('rtmp://studio.local:1940/cams');
  });

  it('keys a set of moves whatever their order', () => {
    const a = { listener: 'rtmp' as const, wanted: 1935, port: 1936 };
    const b = { listener: 'srt' as const, wanted: 8890, port: 8891 };
    expect(portMovesKey([a, b])).toBe(portMovesKey([b, a]));
    expect(portMovesKey([a])).not.toBe(portMovesKey([{ ...a, port: 1937 }]));
    expect(portMovesKey([])).toBe('');
  });

  it('reads only well-formed moves from an answer (an older server sends none)', () => {
    expect(readPortMoves(undefined)).toEqual([]);
    expect(readPortMoves('rtmp')).toEqual([]);
    expect(readPortMoves([{ listener: 'rtmp', wanted: 1935, port: 1936 }, { listener: 'ftp', wanted: 21, port: 22 }, null, { listener: 'srt', wanted: '1', port: 2 }])).toEqual([
      { listener: 'rtmp', wanted: 1935, port: 1936 },
    ]);
  });
});

describe('data folder', () => {
  it('knows Roaming AppData, in either slash and any case', () => {
    expect(isRoamingAppData('C:\\Users\\ana\\AppData\\Roaming\\Framehouse')).toBe(true);
    expect(isRoamingAppData('c:/users/ana/appdata/roaming/framehouse')).toBe(true);
    expect(isRoamingAppData('C:\\Users\\ana\\AppData\\Roaming')).toBe(true);
    expect(isRoamingAppData('C:\\Users\\ana\\AppData\\Local\\Framehouse')).toBe(false);
    expect(isRoamingAppData('D:\\Video\\RoamingAppData')).toBe(false);
    expect(isRoamingAppData('/home/ana/.local/share/framehouse')).toBe(false);
  });

  it('grades the free space for video', () => {
    expect(spaceLevel(500e9, 1000e9)).toBe('ok');
    expect(spaceLevel(15e9, 1000e9)).toBe('low');
    expect(spaceLevel(40e9, 1000e9)).toBe('low'); // 4 % of the disk
    expect(spaceLevel(1e9, 1000e9)).toBe('critical');
    expect(spaceLevel(3e9, 1000e9, 4096)).toBe('critical'); // under dvrMinFreeMB
    expect(spaceLevel(5e9, 1000e9, 4096)).toBe('low');
  });
});

describe('drags over the window', () => {
  it('takes files from the desktop and nothing the page drags itself', () => {
    expect(classifyDrag(['Files'], false)).toBe('files');
    expect(classifyDrag(['application/x-moz-file', 'Files'], false)).toBe('files');
    // Text, links, a tile the mixer or library drags, a picture from the page (Chromium adds Files to it).
    expect(classifyDrag(['text/plain'], false)).toBe('ignore');
    expect(classifyDrag(['text/uri-list', 'text/html'], false)).toBe('ignore');
    expect(classifyDrag(['application/x-framehouse-library-file'], true)).toBe('ignore');
    expect(classifyDrag(['text/uri-list', 'text/html', 'Files'], true)).toBe('ignore');
    expect(classifyDrag(['Files', 'application/x-framehouse-library-file'], false)).toBe('ignore');
    expect(classifyDrag([], false)).toBe('ignore');
  });
});
