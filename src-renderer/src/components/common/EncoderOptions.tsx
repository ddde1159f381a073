import type { EncoderStatus } from '../../../../src-main/contract/studio-api';

/** The options of an encoder picker: Auto, then each encoder this ffmpeg has, failing ones marked. */
export function EncoderOptions({ encoders, current }: { encoders: readonly EncoderStatus[] | null; current: string }) {
  const list = encoders ?? [];
  return (
    <>
      <option value="auto">Auto (GPU first, then software)</option>
      {list.map((e) => (
        <option key={e.name} value={e.name}>
          {e.name}
          {e.works ? '' : ' (fails here)'}
        </option>
      ))}
      {encoders && current !== 'auto' && !list.some((e) => e.name === current) && <option value={current}>{current} (not in this ffmpeg)</option>}
    </>
  );
}
