// The mixer on the transcoding engine: with a GPU encoder pinned in Settings that cannot
// work here (this machine has no VA-API device), a live mix and an offline render both go
// on with libx264 and say what they fell back from.
import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../contract/export-api.js';
import type { MixStatus } from '../../contract/mixer-api.js';
import { startFfmpeg } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ dvrSegmentSeconds: 1, transcodeEncoder: 'h264_vaapi' });

describe('mixer encoder fallback', () => {
  it('falls back from a GPU encoder that fails to libx264, live and offline', async () => {
    await until('the encoders probed', async () => {
      const system = (await (await studio().api('/api/system')).json()) as { ffmpeg: { available: boolean; probing: boolean } };
      return system.ffmpeg.available && !system.ffmpeg.probing;
    }, 60_000);
    const camera = startFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-f', 'mpegts', new URL('/live/cam/mpegts', studio().urls.http).href]);
    try {
      const created = await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ name: 'live/gpu', width: 320, height: 180, fps: 25, inputs: [{ source: 'live/cam', x: 0, y: 0, w: 320, h: 180 }] }) });
      expect(created.status, await created.clone().text()).toBe(201);
      const running = await until('the mix running on libx264', async () => {
        const status = (await (await studio().api('/api/mixes/live%2Fgpu')).json()) as MixStatus;
        return status.state === 'running' && status.encoder === 'libx264' ? status : null;
      }, 20_000);
      expect(running.fallbackFrom).toBe('h264_vaapi');
      await until('the mix publishing', async () => (await studio().stream('live/gpu'))?.state === 'publishing');

      const recorded = await until('four seconds of the camera', async () => {
        const streams = (await (await studio().api('/api/dvr/streams')).json()) as { stream: string; from: number; to: number }[];
        const cam = streams.find((s) => s.stream === 'live/cam');
        return cam && cam.to - cam.from > 4 ? cam : null;
      }, 30_000);
      const render = await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ name: 'live/gpu', from: recorded.from + 1, duration: 2, width: 320, height: 180, fps: 25, inputs: [{ source: 'live/cam', x: 0, y: 0, w: 320, h: 180 }] }) });
      expect(render.status, await render.clone().text()).toBe(201);
      const job = (await render.json()) as ExportJob;
      const done = await until('the render done', async () => {
        const now = (await (await studio().api(`/api/exports/${job.id}`)).json()) as ExportJob;
        if (now.state === 'failed') throw new Error(`render failed: ${now.error}`);
        return now.state === 'done' ? now : null;
      }, 60_000);
      expect(done.note).toMatch(/rendered with libx264: h264_vaapi failed/);
    } finally {
      await camera.stop();
    }
  }, 120_000);
});
