// Where the frames live between decode and encode. With a GPU encoder the decode and
// the scaling run on the same device, so a frame never crosses the bus twice; the
// software path decodes and scales on the CPU.
import type { EncoderFamily } from './video-encode.js';

export interface Pipeline {
  /** Options before `-i`: the hardware decoder and where its frames stay. */
  inputArgs: string[];
  /** A filter that scales to `height` lines, keeping the aspect with an even width. */
  scale(height: number): string;
  /** Frames stay in GPU memory from decode to encode. */
  onDevice: boolean;
}

/** The VA-API render node: FRAMEHOUSE_VAAPI_DEVICE, else the first one. The probe and every job use this. */
export const vaapiDevice = () => process.env.FRAMEHOUSE_VAAPI_DEVICE ?? '/dev/dri/renderD128';

/**
 * The pipeline for an encoder family. `gpuDecode: false` is the fallback when the
 * GPU cannot decode the source (a profile it lacks): software decode, then upload.
 */
export function pipelineFor(family: EncoderFamily, options: { gpuDecode: boolean; vaapiDevice?: string }): Pipeline {
  const software: Pipeline = { inputArgs: [], scale: (h) => `scale=-2:${h}:flags=bicubic,format=yuv420p`, onDevice: false };
  switch (family) {
    case 'nvenc':
      return options.gpuDecode
        ? { inputArgs: ['-hwaccel', 'cuda', '-hwaccel_output_format', 'cuda'], scale: (h) => `scale_cuda=w=-2:h=${h}`, onDevice: true }
        : software;
    case 'qsv':
      return options.gpuDecode
        ? { inputArgs: ['-hwaccel', 'qsv', '-hwaccel_output_format', 'qsv'], scale: (h) => `scale_qsv=w=-2:h=${h}`, onDevice: true }
        : { ...software, scale: (h) => `scale=-2:${h}:flags=bicubic,format=nv12` };
    case 'vaapi': {
      const device = options.vaapiDevice ?? vaapiDevice();
      return options.gpuDecode
        ? { inputArgs: ['-hwaccel', 'vaapi', '-hwaccel_output_format', 'vaapi', '-hwaccel_device', device], scale: (h) => `scale_vaapi=w=-2:h=${h}:format=nv12`, onDevice: true }
        : { inputArgs: ['-vaapi_device', device], scale: (h) => `scale=-2:${h}:flags=bicubic,format=nv12,hwupload`, onDevice: false };
    }
    case 'videotoolbox':
      // VideoToolbox decodes on the GPU and hands frames back; scaling runs on the CPU.
      return { inputArgs: options.gpuDecode ? ['-hwaccel', 'videotoolbox'] : [], scale: software.scale, onDevice: false };
    case 'amf':
      return { ...software, scale: (h) => `scale=-2:${h}:flags=bicubic,format=nv12` };
    case 'x264':
    case 'x265':
    case 'svtav1':
      return software;
  }
}

/**
 * For pictures made on the CPU (the mixer's canvas, yuv420p): global options and the filter
 * that hands them to the family's encoder. NVENC, VideoToolbox and the software encoders take
 * them as they are; QSV and AMF want NV12; VA-API wants them uploaded to its device.
 */
export function rawPicturesFor(family: EncoderFamily, options: { vaapiDevice?: string } = {}): { globalArgs: string[]; filter: string } {
  switch (family) {
    case 'qsv':
    case 'amf':
      return { globalArgs: [], filter: 'format=nv12' };
    case 'vaapi':
      return { globalArgs: ['-vaapi_device', options.vaapiDevice ?? vaapiDevice()], filter: 'format=nv12,hwupload' };
    case 'nvenc':
    case 'videotoolbox':
    case 'x264':
    case 'x265':
    case 'svtav1':
      return { globalArgs: [], filter: 'format=yuv420p' };
  }
}
