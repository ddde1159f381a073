export { Compositor, type Box, type CanvasSpec, type Slot } from './compositor.js';
export { blankPicture, draw, fill, hexToYuv, pictureBytes, type Picture } from './picture.js';
export { boxFilter } from './input-scale.js';
export { channels, Limiter, sampleRate, samplesBefore, SoundQueue, tickFrames } from './sound.js';
export { layoutProblem, mixMemory } from './layout-rules.js';
export { canvasInputArgs } from './encoder-inputs.js';
