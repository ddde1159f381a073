import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();

describe('MPEG-TS over HTTP with bad input', () => {
  it('survives garbage and corrupted packets on one stream while another keeps flowing', async () => {
    const port = new URL(studio().urls.http).port;
    const healthy = startFfmpeg(['-re', ...testSourceArgs(), '-f', 'mpegts', `http://127.0.0.1:${port}/live/ok/mpegts`]);
    try {
      const before = await until('healthy stream', async () => {
        const s = await studio().stream('live/ok');
        return s && s.framesIn > 30 ? s : null;
      });
      // Random bytes with a sync byte every 188, as a broken muxer might send.
      const junk = crypto.randomBytes(188 * 2000);
      for (let i = 0; i < junk.length; i += 188) junk[i] = 0x47;
      const res = await fetch(`http://127.0.0.1:${port}/live/junk/mpegts`, { method: 'POST', body: junk });
      expect(res.status).toBe(204);
      const junkStream = await studio().stream('live/junk');
      expect(junkStream?.video).toBeNull();
      const after = await until('the healthy stream to keep flowing', async () => {
        const s = await studio().stream('live/ok');
        return s && s.framesIn > before.framesIn ? s : null;
      });
      expect(after.state).toBe('publishing');
    } finally {
      await healthy.stop();
    }
  });
});
