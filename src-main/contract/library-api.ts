// The VOD library as the API shows it: folders, the files in them with what ffprobe
// found, and how each plays by URL. Free of Node APIs: the renderer imports its types.
import { Type, type Static } from 'typebox';

export const LibraryFolderName = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'The folder in URLs: /vod/NAME/…' });

export const LibraryFolder = Type.Object({
  name: LibraryFolderName,
  path: Type.String({ description: 'Absolute folder on this machine' }),
  /** Shared folders play on the LAN by URL alone; a private one needs its play token. */
  shared: Type.Boolean(),
  playToken: Type.Union([Type.String(), Type.Null()]),
  /** The media folder of the studio settings: always there, cannot be removed. */
  builtIn: Type.Boolean(),
  /** Why the folder cannot be read now (missing, not a folder, no permission), or null. */
  problem: Type.Union([Type.String(), Type.Null()]),
  files: Type.Integer(),
});
export type LibraryFolder = Static<typeof LibraryFolder>;

export const LibraryFolderRequest = Type.Object(
  {
    name: LibraryFolderName,
    path: Type.String({ minLength: 1, maxLength: 4096, description: 'An absolute folder' }),
    shared: Type.Optional(Type.Boolean({ description: 'Default true: plays on the LAN without a token' })),
    playToken: Type.Optional(Type.Union([Type.String({ minLength: 8, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type LibraryFolderRequest = Static<typeof LibraryFolderRequest>;

export const LibraryFolderPatch = Type.Object(
  {
    shared: Type.Optional(Type.Boolean()),
    playToken: Type.Optional(Type.Union([Type.String({ minLength: 8, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type LibraryFolderPatch = Static<typeof LibraryFolderPatch>;

export const FileState = Type.Union([Type.Literal('probing'), Type.Literal('ready'), Type.Literal('unplayable')], {
  description: 'probing: found, not yet read by ffprobe; ready: playable; unplayable: ffprobe could not read it (problem says why)',
});
export type FileState = Static<typeof FileState>;

export const ProbedVideo = Type.Object({
  codec: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  /** Degrees the picture is turned on display (phones), 0, 90, 180 or 270. */
  rotation: Type.Integer(),
  fps: Type.Union([Type.Number(), Type.Null()]),
  /** PQ or HLG transfer. */
  hdr: Type.Boolean(),
  bitDepth: Type.Integer(),
  /** ffprobe's profile name (High, Main 10 …) and level (41 for 4.1), when it says. */
  profile: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.Integer(), Type.Null()]),
});
export type ProbedVideo = Static<typeof ProbedVideo>;

export const ProbedAudio = Type.Object({
  index: Type.Integer({ description: 'ffprobe stream index' }),
  codec: Type.String(),
  channels: Type.Integer(),
  sampleRate: Type.Integer(),
  language: Type.Union([Type.String(), Type.Null()]),
});
export type ProbedAudio = Static<typeof ProbedAudio>;

export const ProbedSubtitle = Type.Object({
  index: Type.Integer(),
  codec: Type.String(),
  language: Type.Union([Type.String(), Type.Null()]),
});

export const ProbedMedia = Type.Object({
  container: Type.String(),
  /** Seconds. */
  duration: Type.Number(),
  /** Seconds: the first timestamp (MPEG-TS files rarely start at 0). */
  startTime: Type.Number(),
  bitrate: Type.Union([Type.Integer(), Type.Null()]),
  video: Type.Union([ProbedVideo, Type.Null()]),
  audio: Type.Array(ProbedAudio),
  subtitles: Type.Array(ProbedSubtitle),
});
export type ProbedMedia = Static<typeof ProbedMedia>;

export const LibraryFile = Type.Object({
  folder: Type.String(),
  /** Relative to the folder, with forward slashes: the file's address. */
  path: Type.String(),
  size: Type.Integer(),
  /** ms since the epoch. */
  modifiedAt: Type.Integer(),
  state: FileState,
  problem: Type.Union([Type.String(), Type.Null()]),
  media: Type.Union([ProbedMedia, Type.Null()]),
  /** /vod/FOLDER/PATH: the file as it is (Range). */
  url: Type.String(),
  /** …/index.m3u8: every browser plays this. */
  hlsUrl: Type.String(),
  posterUrl: Type.String(),
});
export type LibraryFile = Static<typeof LibraryFile>;

export const LibraryFileMove = Type.Object(
  {
    folder: LibraryFolderName,
    path: Type.String({ minLength: 1, maxLength: 1024 }),
    toFolder: Type.Optional(LibraryFolderName),
    toPath: Type.String({ minLength: 1, maxLength: 1024, description: 'New path relative to the (new) folder; sub-folders are made; an existing file is never replaced' }),
  },
  { additionalProperties: false },
);
export type LibraryFileMove = Static<typeof LibraryFileMove>;

export const LibraryFileRef = Type.Object({ folder: LibraryFolderName, path: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export type LibraryFileRef = Static<typeof LibraryFileRef>;

export const LibraryImport = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 4096, description: 'Absolute path of a file on the studio machine (a file dropped on the desktop window)' }),
    mode: Type.Union([Type.Literal('copy'), Type.Literal('place')], { description: 'copy: into the folder; place: the file stays where it is (its folder joins the library)' }),
    folder: Type.Optional(LibraryFolderName),
  },
  { additionalProperties: false },
);
export type LibraryImport = Static<typeof LibraryImport>;

export const LibrarySort = Type.Union([Type.Literal('name'), Type.Literal('date'), Type.Literal('duration'), Type.Literal('size')]);
export type LibrarySort = Static<typeof LibrarySort>;

export const LibraryQuery = Type.Object(
  {
    folder: Type.Optional(LibraryFolderName),
    /** Only files under this sub-folder of the folder (relative, no leading slash). */
    under: Type.Optional(Type.String({ maxLength: 1024 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the path, any case' })),
    sort: Type.Optional(LibrarySort),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000, description: 'Default 1000' })),
  },
  { additionalProperties: false },
);
export type LibraryQuery = Static<typeof LibraryQuery>;

export const PublicLibraryFile = Type.Object({
  folder: Type.String(),
  path: Type.String(),
  duration: Type.Number(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  hlsUrl: Type.String(),
  posterUrl: Type.Union([Type.String(), Type.Null()]),
});
export type PublicLibraryFile = Static<typeof PublicLibraryFile>;

export const PublicLibraryQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Default 200' })),
  },
  { additionalProperties: false },
);
export type PublicLibraryQuery = Static<typeof PublicLibraryQuery>;

export const LibraryListing = Type.Object({
  total: Type.Integer({ description: 'Files matching, before paging' }),
  files: Type.Array(LibraryFile),
});
export type LibraryListing = Static<typeof LibraryListing>;
