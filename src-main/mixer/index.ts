export { Compositor, innerBox, type Box, type BoxStyle, type CanvasSpec, type Slot } from './compositor.js';
export { blankPicture, colourBars, draw, fill, fillBox, hexToYuv, pictureBytes, type Picture, type Shape } from './picture.js';
export { boxFilter, inputPictures } from './input-scale.js';
export { channels, Limiter, sampleRate, samplesBefore, SoundQueue, tickFrames } from './sound.js';
export { layoutProblem, mixMemory, slotOf } from './layout-rules.js';
export { canvasInputArgs } from './encoder-inputs.js';
