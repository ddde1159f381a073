// What the studio tells anyone on the network (the watch page), and the LAN panel's
// answer. Like contract.ts, the renderer imports this file with `import type` only:
// no Node APIs here.
import { Type, type Static } from 'typebox';

/**
 * One stream as an anonymous viewer sees it: enough to pick and play it, nothing
 * about where it comes from (no source URLs, publisher addresses, passwords or
 * tokens). `locked` says only that playback needs a play token.
 */
export const PublicStream = Type.Object(
  {
    name: Type.String(),
    title: Type.String(),
    /** Frames are arriving (publishing or pulling). */
    live: Type.Boolean(),
    video: Type.Union([Type.Object({ codec: Type.String(), width: Type.Integer(), height: Type.Integer() }, { additionalProperties: false }), Type.Null()]),
    audio: Type.Union([Type.Object({ codec: Type.String() }, { additionalProperties: false }), Type.Null()]),
    /** Playback needs ?token=… (the stream has a play token). */
    locked: Type.Boolean(),
    /** What the DVR archive holds, as UTC milliseconds; null when nothing is recorded. */
    archive: Type.Union([Type.Object({ firstMs: Type.Number(), lastMs: Type.Number() }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type PublicStream = Static<typeof PublicStream>;

export const PublicStreamList = Type.Array(PublicStream);
export type PublicStreamList = Static<typeof PublicStreamList>;

/** Whether other devices can reach the studio, and the addresses they would use. */
export const LanInfo = Type.Object(
  {
    /** The host setting the listeners are bound to (127.0.0.1, 0.0.0.0, or one address). */
    bound: Type.String(),
    /** Devices on the network can connect (bound to every interface, or to a non-loopback address). */
    lan: Type.Boolean(),
    /** The studio's URL on each network address; empty when lan is false or the machine has no network. */
    urls: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type LanInfo = Static<typeof LanInfo>;
