// The JSON bodies of per-stream files (/NAME/FILE), which players, middleware and the
// studio's own UI read. Types only: nothing here runs.

/** /NAME/media_info.json, one track (Flussonic's shape). */
export interface MediaInfoTrack {
  track_id: number;
  content: 'video' | 'audio';
  codec: string;
  profile?: string;
  level?: string;
  width?: number;
  height?: number;
  fps?: number;
  sample_rate?: number;
  channels?: number;
}

/** /NAME/media_info.json: what a player or middleware needs to know before playing (Flussonic's shape). */
export interface MediaInfo {
  stream: string;
  title: string;
  live: boolean;
  tracks: MediaInfoTrack[];
  /** Input bitrate over the last 10 s, kbit/s (0 when not live). */
  bitrate: number;
  /** The recorded range in UTC seconds, or null without a recording. */
  archive: { from: number; to: number } | null;
}

/** One tile of a sprite sheet (/NAME/sprite-FROM-DURATION.json). */
export interface SpriteTile {
  /** The tile's time: FROM + i × DURATION / N, UTC seconds. */
  time: number;
  /** When the keyframe shown was on screen, UTC seconds (the one nearest `time`). */
  keyframe: number;
  /** Top-left corner of the tile in the sprite, pixels. */
  x: number;
  y: number;
}

export interface SpriteLayout {
  from: number;
  duration: number;
  /** Seconds between two tiles' times. */
  interval: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  /** One per tile in time order; null where nothing is recorded (a gap, drawn dark). */
  tiles: (SpriteTile | null)[];
}

/** The JSON of /NAME/sprite-FROM-DURATION.json: the layout plus the image's URL. */
export interface SpriteMap extends SpriteLayout {
  url: string;
}

