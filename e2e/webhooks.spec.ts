import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { adminToken, loginUrl, screenshot, studioUrl } from './support/studio';

test('Settings: a webhook added, a test event sent and seen delivered in its log', async ({ page, request }) => {
  const received: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await page.goto(loginUrl());
    await expect(page.getByTestId('section-title')).toHaveText('Monitor');
    await expect(async () => {
      await page.keyboard.press('Control+5');
      await expect(page.getByTestId('section-title')).toHaveText('Settings', { timeout: 1000 });
    }).toPass({ timeout: 10_000 });
    const panel = page.getByTestId('webhooks');
    await panel.getByTestId('webhook-url').fill(url);
    await panel.getByTestId('webhook-secret').fill('e2e-secret-0123456789');
    await panel.getByTestId('webhook-add').click();
    const hook = panel.getByTestId('webhook').filter({ hasText: url });
    await expect(hook).toBeVisible();
    await hook.getByTestId('webhook-test').click();
    await expect(hook.getByTestId('webhook-delivery').first()).toHaveAttribute('data-state', 'delivered', { timeout: 10_000 });
    expect(received.some((b) => b.includes('"webhook.test"'))).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-webhooks');
  } finally {
    const headers = { authorization: `Bearer ${adminToken()}` };
    const hooks = (await (await request.get(`${studioUrl()}api/webhooks`, { headers })).json()) as { id: string }[];
    for (const h of hooks) await request.delete(`${studioUrl()}api/webhooks/${h.id}`, { headers });
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});
