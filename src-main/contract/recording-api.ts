// Recording files: plain MP4/MKV/MPEG-TS files beside the DVR archive, started and stopped
// on demand, cut on keyframes by duration, size or the clock. Free of Node APIs: the
// renderer imports its types.
import { Type, type Static } from 'typebox';

export const RecordFormat = Type.Union([Type.Literal('mp4'), Type.Literal('mkv'), Type.Literal('ts')], {
  description: 'mp4: fragmented while writing (a crash leaves a playable file), index first once closed; mkv: Matroska once closed; ts: MPEG-TS as it comes',
});
export type RecordFormat = Static<typeof RecordFormat>;

export const RecordRotate = Type.Union([
  Type.Object(
    {
      seconds: Type.Integer({ minimum: 10, maximum: 86_400, description: 'A new file at the first keyframe after this long' }),
      aligned: Type.Optional(Type.Boolean({ description: 'Cut on the wall clock instead: every SECONDS since midnight (3600: every hour on the hour)' })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ bytes: Type.Integer({ minimum: 1 << 20, maximum: 2 ** 40, description: 'A new file at the first keyframe once a file is this big' }) }, { additionalProperties: false }),
]);
export type RecordRotate = Static<typeof RecordRotate>;

/** Tokens: {stream} {start:%Y%m%d-%H%M%S} {end:…} {duration} {seq} {session}; a "/" makes folders under the recordings folder. */
export const recordTemplatePattern = '^[^\\\\:*?"<>|\\u0000-\\u001f]+$';

export const RecordStart = Type.Object(
  {
    format: Type.Optional(RecordFormat),
    template: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: recordTemplatePattern,
        description: 'File name template, e.g. {stream}-{start:%Y%m%d-%H%M%S}; the extension is added. Without a "/" the file goes in the stream\'s folder',
      }),
    ),
    rotate: Type.Optional(RecordRotate),
  },
  { additionalProperties: false },
);
export type RecordStart = Static<typeof RecordStart>;

export const RecordingFileState = Type.Union([Type.Literal('recording'), Type.Literal('finishing'), Type.Literal('done'), Type.Literal('failed')], {
  description: 'recording → finishing (index written, handler run) → done | failed',
});
export type RecordingFileState = Static<typeof RecordingFileState>;

export const RecordingFile = Type.Object({
  id: Type.Integer(),
  stream: Type.String(),
  /** Recordings started together (a multicam session) share it. */
  session: Type.Union([Type.String(), Type.Null()]),
  format: RecordFormat,
  /** Relative to the recordings folder, forward slashes. */
  path: Type.String(),
  bytes: Type.Number(),
  durationSeconds: Type.Number(),
  /** The file's number in its recording: 1, then 2, 3 … after each rotation. */
  sequence: Type.Integer(),
  startedAt: Type.String({ description: 'ISO 8601' }),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  state: RecordingFileState,
  error: Type.Union([Type.String(), Type.Null()]),
});
export type RecordingFile = Static<typeof RecordingFile>;

export const RecordingStatus = Type.Object({
  stream: Type.String(),
  recording: Type.Boolean(),
  format: Type.Union([RecordFormat, Type.Null()]),
  template: Type.Union([Type.String(), Type.Null()]),
  rotate: Type.Union([RecordRotate, Type.Null()]),
  session: Type.Union([Type.String(), Type.Null()]),
  /** Started by the stream's own setting (recordFiles), not on demand. */
  always: Type.Boolean(),
  since: Type.Union([Type.String(), Type.Null()]),
  /** The file being written now (none while the stream is offline: a new one starts when it is back). */
  file: Type.Union([RecordingFile, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type RecordingStatus = Static<typeof RecordingStatus>;

export const RecordingSessionStart = Type.Object(
  {
    streams: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 16, uniqueItems: true }),
    format: Type.Optional(RecordFormat),
    template: RecordStart.properties.template,
    rotate: Type.Optional(RecordRotate),
  },
  { additionalProperties: false },
);
export type RecordingSessionStart = Static<typeof RecordingSessionStart>;

export const RecordingSession = Type.Object({ session: Type.String(), streams: Type.Array(RecordingStatus) });
export type RecordingSession = Static<typeof RecordingSession>;
