import type { BitReader } from './bit-reader.js';

export interface WindowOffsets {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** H.264's frame cropping and HEVC's conformance window: a flag, then four ue(v) offsets. */
export function readWindowOffsets(r: BitReader): WindowOffsets {
  if (!r.readBool()) return { left: 0, right: 0, top: 0, bottom: 0 };
  return { left: r.readUE(), right: r.readUE(), top: r.readUE(), bottom: r.readUE() };
}

/** SubWidthC/SubHeightC for a ChromaArrayType (H.264 Table 6-1, H.265 Table 6-1). */
export function chromaSubsampling(chromaArrayType: number): { subWidthC: number; subHeightC: number } {
  return { subWidthC: chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1, subHeightC: chromaArrayType === 1 ? 2 : 1 };
}
