// Saved exports as jobs: the request and the job as the API and /api/events carry them.
// Like contract.ts, free of Node APIs: the renderer imports its types.
import { Type, type Static } from 'typebox';

export const ExportState = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('canceled')], {
  description: 'queued → running → done | failed | canceled (a queued job can be canceled too)',
});
export type ExportState = Static<typeof ExportState>;

export const ExportRequest = Type.Object(
  {
    stream: Type.String({ minLength: 1, maxLength: 200, description: 'Stream name, e.g. live/cam1' }),
    from: Type.Number({ minimum: 0, description: 'Start, UTC seconds' }),
    duration: Type.Number({ exclusiveMinimum: 0, description: 'Length in seconds (at most the exportMaxSeconds setting)' }),
    precise: Type.Optional(Type.Boolean({ description: 'Start on the exact picture at FROM (re-encodes up to the first keyframe); default false: start at the keyframe before FROM' })),
    path: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'An absolute folder to write into (chosen in the desktop app); default: the exports folder' }),
    ),
  },
  { additionalProperties: false },
);
export type ExportRequest = Static<typeof ExportRequest>;

export const ExportJob = Type.Object({
  id: Type.String(),
  /** A lossless export of one stream's recording, or an offline mix of several (rendered). */
  kind: Type.Union([Type.Literal('recording'), Type.Literal('mix')]),
  /** The stream exported, or the name a mix renders as. */
  stream: Type.String(),
  /** The streams a mix is made of (a recording's: its stream). */
  sources: Type.Array(Type.String()),
  /** UTC seconds, as asked. */
  from: Type.Number(),
  duration: Type.Number(),
  precise: Type.Boolean(),
  state: ExportState,
  /** 0..1: bytes written over the file's size (a mix: pictures rendered over the range's). */
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  bytes: Type.Number({ description: 'Bytes written so far' }),
  totalBytes: Type.Union([Type.Number(), Type.Null()], { description: 'Size of the finished file, known once the job runs (a mix: once it is done)' }),
  folder: Type.String({ description: 'The folder the file goes to' }),
  fileName: Type.Union([Type.String(), Type.Null()], { description: 'The file name, with " (1)" … when another file had the name; known once the job runs' }),
  /** The finished file's full path (done jobs only). */
  file: Type.Union([Type.String(), Type.Null()]),
  /** Holes in the recording inside the range, closed up in the file. */
  gaps: Type.Union([Type.Integer(), Type.Null()]),
  /** Something the user should know about a finished file (the range ran into a codec change and the file stops early). */
  note: Type.Union([Type.String(), Type.Null()]),
  /** Why the job failed, in plain words. */
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ExportJob = Static<typeof ExportJob>;
