// Vite's client types: CSS imports and import.meta.env. Node types stay out.
/// <reference types="vite/client" />

// hls.js ships types for its full build only; the light build has the same API minus
// features the DVR does not use (subtitles, DRM, alternate audio).
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
