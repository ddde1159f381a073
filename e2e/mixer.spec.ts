import { expect, test } from '@playwright/test';
import { adminToken, loginUrl, publishOverHttp, screenshot, studioUrl } from './support/studio';

test('Mixer: a new mix of two live streams, a box dragged and resized on the canvas, taken, and the output plays; a box given opacity, corners and a border; the recordings rendered to an MP4', async ({ page, request }) => {
  test.setTimeout(150_000);
  const headers = { authorization: `Bearer ${adminToken()}` };
  const sources = [publishOverHttp('e2e-mixa', '320x180'), publishOverHttp('e2e-mixb', '320x180')];
  try {
    for (const name of ['live/e2e-mixa', 'live/e2e-mixb']) {
      await expect.poll(async () => ((await (await request.get(`${studioUrl()}api/streams/${encodeURIComponent(name)}`, { headers })).json()) as { state: string }).state, { timeout: 20_000 }).toBe('publishing');
    }
    await page.goto(loginUrl());
    // The shell first (the login redirect and the first render), then its shortcut.
    await expect(page.getByTestId('section-title')).toHaveText('Monitor');
    await expect(async () => {
      await page.keyboard.press('Control+4');
      await expect(page.getByTestId('section-title')).toHaveText('Mixer', { timeout: 1000 });
    }).toPass({ timeout: 10_000 });
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

    // The inspector's look of a box: opacity (a slider), rounded corners and a border (applied on Enter), taken.
    await editor.getByTestId('mix-radius').fill('24');
    await editor.getByTestId('mix-radius').press('Enter');
    await editor.getByTestId('mix-border-width').fill('10');
    await editor.getByTestId('mix-border-width').press('Enter');
    await editor.getByTestId('mix-border-colour').fill('#ffcc00');
    await editor.getByTestId('mix-opacity').fill('0.6');
    const look = box.getByTestId('mix-box-look');
    await expect(look).toHaveCSS('opacity', '0.6');
    await expect(look).toHaveCSS('border-top-color', 'rgb(255, 204, 0)');
    expect(Number.parseFloat(await look.evaluate((el) => getComputedStyle(el).borderTopLeftRadius))).toBeGreaterThan(0);
    await editor.getByTestId('mix-take').click();
    await expect(editor.getByTestId('mix-take')).toBeDisabled();
    const styled = (await (await request.get(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers })).json()) as { layout: { inputs: { opacity?: number; radius?: number; border?: { width: number; colour: string } }[] } };
    expect(styled.layout.inputs[1]).toMatchObject({ opacity: 0.6, radius: 24, border: { width: 10, colour: '#ffcc00' } });
    // Undo takes back the last edit (the opacity) in the editor; redo brings it again.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+z');
    await expect(look).toHaveCSS('opacity', '1');
    await expect(editor.getByTestId('mix-take')).toBeEnabled();
    await page.keyboard.press('Control+Shift+z');
    await expect(look).toHaveCSS('opacity', '0.6');
    await expect(editor.getByTestId('mix-take')).toBeDisabled();
    await screenshot(page, 'mixer-inspector');

    // A clock made by the mixer, and the layout saved as a scene; a scene loads into the editor.
    await editor.getByTestId('mix-add').selectOption('clock');
    await expect(editor.locator('.mix-box-clock')).toHaveText(/^\d\d:\d\d:\d\d$/);
    await editor.getByTestId('mix-scene-name').fill('With clock');
    await editor.getByTestId('mix-scene-save').click();
    await expect(editor.getByTestId('mix-scene')).toHaveText(['With clock'], { timeout: 10_000 });
    const withScene = (await (await request.get(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers })).json()) as { scenes: { name: string; layout: { inputs: { source: string }[] } }[] };
    expect(withScene.scenes.map((s) => s.name)).toEqual(['With clock']);
    expect(withScene.scenes[0]!.layout.inputs.map((i) => i.source)).toContain('clock');
    await editor.getByTestId('mix-take').click();
    await expect(editor.getByTestId('mix-take')).toBeDisabled();
    await screenshot(page, 'mixer-scenes');
    // Undo the clock, then the scene brings it back.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+z');
    await expect(editor.locator('.mix-box-clock')).toHaveCount(0);
    await editor.getByTestId('mix-scene').click();
    await expect(editor.locator('.mix-box-clock')).toHaveCount(1);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+z');
    await expect(editor.locator('.mix-box-clock')).toHaveCount(0);
    await editor.getByTestId('mix-take').click();

    // Render the mix's layout offline from the recordings: a few seconds both inputs recorded.
    await expect
      .poll(
        async () => {
          const spans = (await (await request.get(`${studioUrl()}api/dvr/streams`, { headers })).json()) as { stream: string; from: number; to: number }[];
          const mine = spans.filter((s) => s.stream === 'live/e2e-mixa' || s.stream === 'live/e2e-mixb');
          return mine.length === 2 ? Math.min(...mine.map((s) => s.to)) - Math.max(...mine.map((s) => s.from)) : 0;
        },
        { timeout: 20_000, intervals: [1000] },
      )
      .toBeGreaterThanOrEqual(4);
    await page.getByTestId('render-open').click();
    const renderDialog = page.getByTestId('render-dialog');
    await expect(renderDialog.getByTestId('render-source')).toHaveCount(2);
    // Esc closes it; open it again.
    await page.keyboard.press('Escape');
    await expect(renderDialog).toBeHidden();
    await page.getByTestId('render-open').click();
    await expect(renderDialog.getByTestId('render-source').first()).toHaveValue('live/e2e-mixa');
    await expect(renderDialog.getByTestId('render-source').nth(1)).toHaveValue('live/e2e-mixb');
    await renderDialog.getByTestId('render-width').fill('640');
    await renderDialog.getByTestId('render-height').fill('360');
    await renderDialog.getByTestId('render-length').fill('3');
    await expect(renderDialog.getByTestId('render-from')).not.toHaveValue('');
    await expect(renderDialog.getByTestId('render-error')).toHaveCount(0);
    await screenshot(page, 'mixer-render-dialog');
    // Enter renders.
    await renderDialog.getByTestId('render-length').press('Enter');
    await expect(renderDialog).toBeHidden();
    const job = page.getByTestId('render-list').getByTestId('export-job').first();
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
    const href = await job.getByTestId('export-download').getAttribute('href');
    expect(href).toMatch(/^\/api\/exports\/[^/]+\/file$/);
    const file = await request.get(`${studioUrl()}${href!.slice(1)}`, { headers });
    expect(file.ok()).toBe(true);
    expect((await file.body()).subarray(4, 8).toString('latin1')).toBe('ftyp');
    await screenshot(page, 'mixer-renders');

    // With no mix, a render lays two recorded streams out by a preset.
    await request.delete(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers });
    await expect(page.getByTestId('mixer-empty')).toBeVisible({ timeout: 10_000 });
    await page.getByTestId('render-open').click();
    await expect(renderDialog.getByTestId('render-source')).toHaveCount(2);
    await renderDialog.getByTestId('render-preset-pip-br').click();
    await expect(renderDialog.getByTestId('render-preset-pip-br')).toHaveAttribute('aria-checked', 'true');
    await expect(renderDialog.getByTestId('render-start')).toBeEnabled();
    await screenshot(page, 'mixer-render-preset');
    await page.keyboard.press('Escape');
    await expect(renderDialog).toBeHidden();
  } finally {
    await request.delete(`${studioUrl()}api/mixes/live%2Fe2e-mix`, { headers });
    await Promise.all(sources.map((s) => s.stop()));
  }
});
