// How a mix's encoder reads what the compositor makes: raw canvases on stdin and the
// mixed sound on fd 3, both declared in full so ffmpeg has nothing to probe. (Its default
// probe would wait for 5 MB of each, 26 s of sound, before encoding a picture, while the
// writer waits for the encoder to take the pictures: a deadlock.)
import { channels, sampleRate } from './sound.js';

export function canvasInputArgs(width: number, height: number, fps: number): string[] {
  return [
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', String(fps), '-probesize', '32', '-analyzeduration', '0', '-i', 'pipe:0',
    '-f', 's16le', '-ar', String(sampleRate), '-ac', String(channels), '-probesize', '32', '-analyzeduration', '0', '-i', 'pipe:3',
  ];
}
