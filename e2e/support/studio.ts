import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

export const studioUrl = () => process.env.FRAMEHOUSE_E2E_URL!;
export const loginUrl = () => process.env.FRAMEHOUSE_E2E_LOGIN!;
export const adminToken = () => process.env.FRAMEHOUSE_E2E_TOKEN!;
export const dataDir = () => process.env.FRAMEHOUSE_E2E_DATA_DIR!;

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** Saved under e2e/screenshots/ for people to look at; not compared. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}
