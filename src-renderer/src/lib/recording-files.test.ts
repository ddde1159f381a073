import { describe, expect, it } from 'vitest';
import type { RecordingFile } from '../../../src-main/contract/recording-api';
import { formatLabel, isRecordFormat, isRotationChoice, newestFirst, recordingFileName, rotateFor, rotationLabel, secondsSince, sessionOfLanes } from './recording-files';

const file = (over: Partial<RecordingFile>): RecordingFile => ({
  id: 1,
  stream: 'live/cam1',
  session: null,
  format: 'mp4',
  path: 'live/cam1/live_cam1-20250101-120000.mp4',
  bytes: 0,
  durationSeconds: 0,
  sequence: 1,
  startedAt: '2025-01-01T12:00:00.000Z',
  endedAt: null,
  state: 'done',
  error: null,
  ...over,
});

describe('recording files', () => {
  it('maps the rotation choices to what the server takes', () => {
    expect(rotateFor('off')).toBeNull();
    expect(rotateFor('10min')).toEqual({ seconds: 600 });
    expect(rotateFor('hourly')).toEqual({ seconds: 3600, aligned: true });
    expect(rotateFor('2gb')).toEqual({ bytes: 2_000_000_000 });
    expect(isRotationChoice('hourly')).toBe(true);
    expect(isRotationChoice('weekly')).toBe(false);
    expect(isRecordFormat('mkv')).toBe(true);
    expect(isRecordFormat('avi')).toBe(false);
  });

  it('words formats and rotations', () => {
    expect(formatLabel('ts')).toBe('MPEG-TS');
    expect(formatLabel('mp4')).toBe('MP4');
    expect(formatLabel('webm')).toBe('WEBM');
    expect(rotationLabel(null)).toBe('one file');
    expect(rotationLabel({ seconds: 600 })).toBe('every 10 min');
    expect(rotationLabel({ seconds: 3600, aligned: true })).toBe('every hour on the hour');
    expect(rotationLabel({ seconds: 3600 })).toBe('every hour');
    expect(rotationLabel({ seconds: 7200, aligned: true })).toBe('every 2 h on the clock');
    expect(rotationLabel({ seconds: 45 })).toBe('every 45 s');
    expect(rotationLabel({ bytes: 2_000_000_000 })).toBe('every 2.0 GB');
  });

  it('names a file by its last path part, and a file being written by the name it will have', () => {
    expect(recordingFileName(file({}))).toBe('live_cam1-20250101-120000.mp4');
    expect(recordingFileName(file({ path: 'live/cam1/live_cam1-20250101-120000.recording-12.mp4', format: 'mkv', state: 'recording' }))).toBe('live_cam1-20250101-120000.mkv');
    expect(recordingFileName(file({ path: 'top.ts', format: 'ts' }))).toBe('top.ts');
  });

  it('counts seconds since a time, never below zero', () => {
    const t = Date.parse('2025-01-01T12:00:00.000Z');
    expect(secondsSince('2025-01-01T12:00:00.000Z', t + 12_500)).toBe(12.5);
    expect(secondsSince('2025-01-01T12:00:00.000Z', t - 1000)).toBe(0);
    expect(secondsSince('nonsense', t)).toBe(0);
  });

  it('sorts newest first, ids breaking ties', () => {
    const a = file({ id: 1, startedAt: '2025-01-01T12:00:00.000Z' });
    const b = file({ id: 2, startedAt: '2025-01-01T12:00:00.000Z' });
    const c = file({ id: 3, startedAt: '2025-01-01T11:00:00.000Z' });
    expect(newestFirst([c, a, b]).map((f) => f.id)).toEqual([2, 1, 3]);
  });

  it('finds the session the lanes record in', () => {
    const active = [
      { stream: 'a', session: 's1' },
      { stream: 'b', session: 's2' },
      { stream: 'c', session: 's2' },
      { stream: 'd', session: null },
    ];
    expect(sessionOfLanes(active, ['a', 'b', 'c'])).toBe('s2');
    expect(sessionOfLanes(active, ['a', 'b'])).toBe('s1');
    expect(sessionOfLanes(active, ['d', 'e'])).toBeNull();
    expect(sessionOfLanes([], ['a'])).toBeNull();
  });
});
