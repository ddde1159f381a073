// A mix as the API takes it: a canvas, a background, and boxes for its inputs. The
// renderer's layout editor imports these as types only.
import { Type, type Static } from 'typebox';
import { mixSourcePattern, streamNamePattern } from './stream-name.js';

export { generatedSource } from './stream-name.js';

export const hexColourPattern = '^#[0-9A-Fa-f]{6}$';
export const MixInput = Type.Object(
  {
    source: Type.String({ minLength: 3, maxLength: 200, pattern: mixSourcePattern, description: 'A studio stream (live/cam1), a colour card (colour:#rrggbb) or the time of day (clock: HH:MM:SS, white, over what is behind)' }),
    x: Type.Integer({ minimum: -7680, maximum: 7680, description: 'Left edge of the box on the canvas, pixels' }),
    y: Type.Integer({ minimum: -4320, maximum: 4320, description: 'Top edge of the box, pixels' }),
    w: Type.Integer({ minimum: 2, maximum: 7680, description: 'Box width, pixels' }),
    h: Type.Integer({ minimum: 2, maximum: 4320, description: 'Box height, pixels' }),
    z: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Stacking order: higher is in front (default: list order)' })),
    fit: Type.Optional(Type.Union([Type.Literal('contain'), Type.Literal('cover'), Type.Literal('stretch')], { description: 'How the picture fills its box (default contain: all of it, bars in the background colour)' })),
    crop: Type.Optional(
      Type.Object(
        {
          top: Type.Integer({ minimum: 0, maximum: 4320 }),
          right: Type.Integer({ minimum: 0, maximum: 7680 }),
          bottom: Type.Integer({ minimum: 0, maximum: 4320 }),
          left: Type.Integer({ minimum: 0, maximum: 7680 }),
        },
        { additionalProperties: false, description: "Source pixels cut from each edge before the picture is fitted (at least 2×2 of it is kept)" },
      ),
    ),
    opacity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'How much of what is behind shows through: 1 = none (default)' })),
    radius: Type.Optional(Type.Integer({ minimum: 0, maximum: 2160, description: 'Rounded corners, pixels' })),
    border: Type.Optional(
      Type.Object(
        { width: Type.Integer({ minimum: 0, maximum: 100, description: 'Pixels, inside the box' }), colour: Type.String({ pattern: hexColourPattern }) },
        { additionalProperties: false },
      ),
    ),
    volume: Type.Optional(Type.Number({ minimum: 0, maximum: 4, description: 'Audio gain, 1 = as it comes' })),
    muted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MixInput = Static<typeof MixInput>;

export const MixLayout = Type.Object(
  {
    width: Type.Integer({ minimum: 64, maximum: 3840, multipleOf: 2, description: 'Canvas width, pixels (even)' }),
    height: Type.Integer({ minimum: 64, maximum: 2160, multipleOf: 2, description: 'Canvas height, pixels (even)' }),
    fps: Type.Integer({ minimum: 1, maximum: 60 }),
    background: Type.Optional(Type.String({ pattern: hexColourPattern, description: 'Canvas colour, #rrggbb (default #101010)' })),
    /** What an input that is not live shows. */
    offline: Type.Optional(
      Type.Union([Type.Literal('last-frame'), Type.Literal('slate'), Type.Literal('background')], { description: 'An input that is not live shows its last picture (default), a "no signal" slate (colour bars) or the background' }),
    ),
    inputs: Type.Array(MixInput, { maxItems: 9 }),
  },
  { additionalProperties: false },
);
export type MixLayout = Static<typeof MixLayout>;

/** A layout saved under a name, to take later (OBS's scenes). Its canvas is the mix's. */
export const MixScene = Type.Object({ name: Type.String({ minLength: 1, maxLength: 60 }), layout: MixLayout }, { additionalProperties: false });
export type MixScene = Static<typeof MixScene>;
export const MixScenes = Type.Array(MixScene, { maxItems: 24, description: 'Saved layouts of the mix, at most 24' });

export const MixCreate = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 200, pattern: streamNamePattern, description: 'The stream the mix is published as, e.g. live/show' }),
    ...MixLayout.properties,
    scenes: Type.Optional(MixScenes),
  },
  { additionalProperties: false },
);
export type MixCreate = Static<typeof MixCreate>;

/** An offline mix: the recordings of the inputs' streams over one range, laid out as a live mix, rendered to an MP4. */
export const MixRenderRequest = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 200, pattern: streamNamePattern, description: 'Names the file, e.g. live/show' }),
    from: Type.Number({ minimum: 0, description: 'Start, UTC seconds' }),
    duration: Type.Number({ exclusiveMinimum: 0, description: 'Length in seconds (at most the exportMaxSeconds setting)' }),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'An absolute folder to write into (chosen in the desktop app); default: the exports folder' })),
    ...MixLayout.properties,
  },
  { additionalProperties: false },
);
export type MixRenderRequest = Static<typeof MixRenderRequest>;

export const MixInputStatus = Type.Object({
  source: Type.String(),
  /** Pictures are arriving from this input now. */
  live: Type.Boolean(),
  /** Pictures composed from it so far. */
  frames: Type.Integer(),
  /** Its sound's peak in the last tick, after its volume, 0–1 (a level meter). */
  level: Type.Number(),
});

export const MixStatus = Type.Object({
  name: Type.String(),
  layout: MixLayout,
  scenes: MixScenes,
  state: Type.Union([Type.Literal('starting'), Type.Literal('running'), Type.Literal('failed')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  /** Canvas pictures sent to the encoder, and those its ticks had to skip (the machine too slow). */
  frames: Type.Integer(),
  skipped: Type.Integer(),
  /** The video encoder in use (a GPU's where one works, else libx264), and the one it fell back from. */
  encoder: Type.Union([Type.String(), Type.Null()]),
  fallbackFrom: Type.Union([Type.String(), Type.Null()]),
  /** The mix's own sound's peak in the last tick, after the limiter, 0–1. */
  level: Type.Number(),
  inputs: Type.Array(MixInputStatus),
});
export type MixStatus = Static<typeof MixStatus>;
