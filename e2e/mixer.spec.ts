import { expect, test } from '@playwright/test';
import { adminToken, loginUrl, publishOverHttp, screenshot, studioUrl } from './support/studio';

test('Mixer: a new mix of two live streams, a box dragged and resized on the canvas, taken, and the output plays', async ({ page, request }) => {
  test.setTimeout(90_000);
  const headers = { authorization: `Bearer ${adminToken()}` };
  const sources = [publishOverHttp('e2e-mixa', '320x180'), publishOverHttp('e2e-mixb', '320x180')];
  try {
    for (const name of ['live/e2e-mixa', 'live/e2e-mixb']) {
      await expect.poll(async () => ((await (await request.get(`${studioUrl()}api/streams/${encodeURIComponent(name)}`, { headers })).json()) as { state: string }).state, { timeout: 20_000 }).toBe('publishing');
    }
    await page.goto(loginUrl());
    await page.keyboard.press('Control+4');
    await page.getByTestId('mix-new').first().click();
    const dialog = page.getByTestId('mix-new-dialog');
    await dialog.getByTestId('mix-new-name').fill('live/e2e-mix');
    await dialog.getByTestId('mix-new-create').click();
    const editor = page.getByTestId('mix-editor');
    await expect(editor).toHaveAttribute('data-mix', 'live/e2e-mix', { timeout: 10_000 });
    const boxes = editor.getByTestId('mix-box');
    await expect(boxes).toHaveCount(2);

    // Drag the second box left and up by a good step.
    const box = editor.locator('[data-testid="mix-box"][data-index="1"]');
    await box.click();
    const before = (await (await request.get(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers })).json()) as { layout: { inputs: { x: number; y: number; w: number; h: number }[] } };
    const start = (await box.boundingBox())!;
    await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page.mouse.down();
    await page.mouse.move(start.x + start.width / 2 - 120, start.y + start.height / 2 - 60, { steps: 8 });
    await page.mouse.up();
    await expect(editor.getByTestId('mix-take')).toBeEnabled();
    // Resize it from its bottom-right handle.
    const moved = (await box.boundingBox())!;
    await page.mouse.move(moved.x + moved.width, moved.y + moved.height);
    await page.mouse.down();
    await page.mouse.move(moved.x + moved.width + 60, moved.y + moved.height + 34, { steps: 6 });
    await page.mouse.up();
    await editor.getByTestId('mix-take').click();
    await expect(editor.getByTestId('mix-take')).toBeDisabled();
    const after = (await (await request.get(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers })).json()) as { layout: { inputs: { x: number; y: number; w: number; h: number }[] } };
    const [was, now] = [before.layout.inputs[1]!, after.layout.inputs[1]!];
    expect(now.x).toBeLessThan(was.x);
    expect(now.y).toBeLessThan(was.y);
    expect(now.w).toBeGreaterThan(was.w);
    // Undo takes the layout back in the editor (not yet taken).
    await page.keyboard.press('Control+z');
    await expect(editor.getByTestId('mix-take')).toBeEnabled();
    await page.keyboard.press('Control+Shift+z');
    await expect(editor.getByTestId('mix-take')).toBeDisabled();

    // The output plays beside the canvas (WebRTC).
    await expect(editor.getByTestId('live-preview')).toHaveAttribute('data-playing', 'webrtc', { timeout: 20_000 });
    await screenshot(page, 'mixer');
  } finally {
    await request.delete(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers });
    await Promise.all(sources.map((s) => s.stop()));
  }
});
