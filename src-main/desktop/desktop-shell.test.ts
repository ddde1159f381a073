import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StreamInfo, StudioEvent } from '../contract/studio-api.js';
import type { ExportJob } from '../contract/export-api.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { ShellStateFile, defaultDesktopPrefs } from './desktop-prefs.js';
import { isInsideFolders, ownFileToOpen, ownMediaToTrash } from './path-guard.js';
import { autostartEntry, autostartFile, setLinuxAutostart } from './linux-autostart.js';
import { errorHoldMs, noticeFor, trayStatus } from './tray-status.js';
import { windowPlace } from './window-place.js';

const dir = useTempDir('framehouse-shell-');

describe('shell state file', () => {
  it('starts from defaults, keeps only valid fields, and survives a broken file', async () => {
    const file = path.join(dir(), 'shell.json');
    const state = new ShellStateFile(file);
    expect((await state.load()).prefs).toEqual(defaultDesktopPrefs);
    await state.update({ prefs: { closeToTray: false, startAtLogin: 'yes', bogus: 1 }, window: { x: 10, y: 20, width: 1200, height: 800, maximized: true } });
    const again = await new ShellStateFile(file).load();
    expect(again.prefs).toEqual({ ...defaultDesktopPrefs, closeToTray: false });
    expect(again.window).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
    await fs.writeFile(file, '{"prefs": {"closeToTray": fal');
    expect((await new ShellStateFile(file).load()).prefs).toEqual(defaultDesktopPrefs);
    await state.update({ window: { x: 1, y: 1, width: 5, height: 5, maximized: false } });
    expect((await new ShellStateFile(file).load()).window).toBeNull(); // too small to be a real window
  });
});

describe('window place', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  const fallback = { width: 1440, height: 900 };
  it('comes back where it was while that is on a screen', () => {
    const saved = { x: 100, y: 50, width: 1400, height: 900, maximized: false };
    expect(windowPlace(saved, screens, fallback)).toEqual(saved);
    expect(windowPlace(saved, [...screens, { x: 1920, y: 0, width: 2560, height: 1400 }], fallback)).toEqual(saved);
  });
  it('is centred on the primary screen when its monitor is gone or the title bar is off-screen', () => {
    const onUnplugged = { x: 2400, y: 100, width: 1400, height: 900, maximized: false };
    expect(windowPlace(onUnplugged, screens, fallback)).toEqual({ x: 260, y: 70, width: 1400, height: 900, maximized: false });
    const titleAbove = { x: 100, y: -400, width: 1400, height: 900, maximized: false };
    expect(windowPlace(titleAbove, screens, fallback)!.y).toBe(70);
    const tooBig = { x: 5000, y: 0, width: 4000, height: 3000, maximized: true };
    expect(windowPlace(tooBig, screens, fallback)).toEqual({ x: 0, y: 0, width: 1920, height: 1040, maximized: true });
    expect(windowPlace(null, screens, fallback)).toBeNull();
  });
});

const stream = (name: string, o: Partial<StreamInfo> = {}): StreamInfo =>
  ({ name, state: 'publishing', reason: null, dvr: { recording: true, error: null }, ...o }) as StreamInfo;

describe('tray status', () => {
  it('is idle, live, recording or error, with counts', () => {
    expect(trayStatus([], null, 0)).toMatchObject({ state: 'idle', live: 0, summary: 'Framehouse: no live streams' });
    expect(trayStatus([stream('a', { dvr: { recording: false, error: null } })], null, 0)).toMatchObject({ state: 'live', live: 1, recording: 0 });
    expect(trayStatus([stream('a'), stream('b', { state: 'idle' })], null, 0)).toMatchObject({ state: 'recording', summary: 'Framehouse: 1 live, 1 recording' });
    expect(trayStatus([stream('a', { dvr: { recording: false, error: 'disk full' } })], null, 0)).toMatchObject({ state: 'error', summary: 'Framehouse: 1 live, 0 recording: a: disk full' });
  });
  it('stays red for a while after a recording error', () => {
    expect(trayStatus([stream('a')], 1000, 1000 + errorHoldMs - 1).state).toBe('error');
    expect(trayStatus([stream('a')], 1000, 1000 + errorHoldMs).state).toBe('recording');
  });
});

describe('desktop notices', () => {
  const event = <T extends StudioEvent['type']>(type: T, data: Extract<StudioEvent, { type: T }>['data']) => ({ type, at: '', data }) as StudioEvent;
  it('tells about recording errors, low disk and finished exports, and nothing else', () => {
    expect(noticeFor(event('dvr_error', { stream: 'live/cam', reason: 'EIO' }))).toMatchObject({ title: 'Recording error: live/cam', body: 'EIO', urgent: true });
    expect(noticeFor(event('dvr_disk_low', { freeBytes: 512 * 1024 ** 2, minFreeBytes: 1024 ** 3, message: 'recording resumes above it' }))).toMatchObject({ title: 'Disk almost full: recording paused', body: '0.5 GiB free, below the 1.0 GiB limit. recording resumes above it' });
    const job = { state: 'done', fileName: 'cam 12-00.mp4', stream: 'live/cam', error: null } as unknown as ExportJob;
    expect(noticeFor(event('export_finished', job))).toMatchObject({ title: 'Export done', body: 'cam 12-00.mp4', urgent: false });
    expect(noticeFor(event('export_finished', { ...job, state: 'canceled' }))).toBeNull();
    expect(noticeFor(event('stream_started', { name: 'x', protocol: 'rtmp', remoteAddress: null }))).toBeNull();
  });
});

describe('open-path guard', () => {
  it('lets through the studio folders and what is inside them, never a way out', async () => {
    const own = path.join(dir(), 'data');
    const elsewhere = path.join(dir(), 'elsewhere');
    await fs.mkdir(path.join(own, 'exports'), { recursive: true });
    await fs.mkdir(elsewhere);
    await fs.writeFile(path.join(own, 'exports', 'a.mp4'), '');
    await fs.writeFile(path.join(elsewhere, 'secret.txt'), '');
    await fs.symlink(elsewhere, path.join(own, 'exports', 'link'));
    await fs.mkdir(path.join(dir(), 'data-evil'));
    expect(await isInsideFolders(path.join(own, 'exports', 'a.mp4'), [own])).toBe(true);
    expect(await isInsideFolders(own, [own])).toBe(true);
    expect(await isInsideFolders(path.join(own, 'exports', '..', '..', 'elsewhere', 'secret.txt'), [own])).toBe(false);
    expect(await isInsideFolders(path.join(own, 'exports', 'link', 'secret.txt'), [own])).toBe(false);
    expect(await isInsideFolders(path.join(dir(), 'data-evil'), [own])).toBe(false);
    expect(await isInsideFolders('exports/a.mp4', [own])).toBe(false);
    expect(await isInsideFolders(path.join(own, 'missing.mp4'), [own])).toBe(false);
  });
});

describe('what the page may open or trash through the shell', () => {
  it('opens media, pictures and logs of the studio\'s folders (their real path), never programs, and trashes only media', async () => {
    const own = path.join(dir(), 'own');
    await fs.mkdir(path.join(own, 'logs'), { recursive: true });
    for (const f of ['clip.mp4', 'poster.jpg', 'logs/framehouse.1.log', 'run.sh', 'setup.exe', 'evil.desktop']) await fs.writeFile(path.join(own, f), '');
    await fs.symlink(path.join(own, 'run.sh'), path.join(own, 'looks-like.mp4'));
    expect(await ownFileToOpen(path.join(own, 'clip.mp4'), [own])).toBe(await fs.realpath(path.join(own, 'clip.mp4')));
    expect(await ownFileToOpen(path.join(own, 'poster.jpg'), [own])).not.toBeNull();
    expect(await ownFileToOpen(path.join(own, 'logs', 'framehouse.1.log'), [own])).not.toBeNull();
    for (const f of ['run.sh', 'setup.exe', 'evil.desktop', 'looks-like.mp4']) expect(await ownFileToOpen(path.join(own, f), [own])).toBeNull();
    expect(await ownFileToOpen(42 as unknown as string, [own])).toBeNull();
    expect(await ownMediaToTrash(path.join(own, 'clip.mp4'), [own])).not.toBeNull();
    expect(await ownMediaToTrash(path.join(own, 'poster.jpg'), [own])).toBeNull();
    expect(await ownMediaToTrash(path.join(own, 'logs'), [own])).toBeNull();
  });
});

describe('start at login on Linux', () => {
  it('writes an XDG autostart entry that starts in the tray, and removes it', async () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/autostart/framehouse.desktop');
    expect(autostartFile({}, '/home/ana')).toBe('/home/ana/.config/autostart/framehouse.desktop');
    expect(autostartEntry('/opt/Framehouse/framehouse', 'Framehouse')).toContain('Exec=/opt/Framehouse/framehouse --hidden');
    expect(autostartEntry('/home/ana/Apps/Frame house.AppImage', 'Framehouse')).toContain('Exec="/home/ana/Apps/Frame house.AppImage" --hidden');
    const file = path.join(dir(), 'autostart', 'framehouse.desktop');
    await setLinuxAutostart(true, { exec: '/usr/bin/framehouse', name: 'Framehouse', file });
    expect(await fs.readFile(file, 'utf8')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Framehouse\nExec=\/usr\/bin\/framehouse --hidden/);
    await setLinuxAutostart(false, { exec: '/usr/bin/framehouse', name: 'Framehouse', file });
    await expect(fs.stat(file)).rejects.toThrow();
  });
});
