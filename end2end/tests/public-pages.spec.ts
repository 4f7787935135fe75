import { test, expect, open, hydrated, expectAccessible } from './fixtures';

const pages = ['/', '/kontakt', '/kontakt/for-nagon-annan', '/remiss', '/integritet', '/tillganglighet'];

for (const lang of ['sv', 'en', 'ar']) {
  for (const path of pages) {
    test(`${path} in ${lang}: accessible, readable at 360 px, no sideways scrolling`, async ({ page }, testInfo) => {
      const res = await open(page, `${path}?lang=${lang}`, hydrated(testInfo));
      expect(res?.status()).toBe(200);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
      await expect(page.locator('h1')).toHaveCount(1);
      await expect(page.locator('footer a[href="/tillganglighet"]')).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page, hydrated(testInfo));
    });
  }
}

test('nothing scrolls sideways at 320 px, in Swedish and in Arabic', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const lang of ['sv', 'ar']) {
    for (const path of pages) {
      await open(page, `${path}?lang=${lang}`, hydrated(testInfo));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} ${lang}`).toBeLessThanOrEqual(0);
    }
  }
});

test('the start page explains the service and shows urgent help', async ({ page }, testInfo) => {
  await open(page, '/', hydrated(testInfo));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hälsolots');
  await expect(page.getByText('Det är gratis.')).toBeVisible();
  const urgent = page.getByRole('complementary', { name: 'Behöver du hjälp snabbt?' });
  await expect(urgent).toContainText('112');
  await expect(urgent).toContainText('1177');
  await expect(urgent).toContainText('90101');
  await expect(page.getByText('ersätter inte en kurator')).toBeVisible();
  for (const link of ['/kontakt', '/kontakt/for-nagon-annan', '/remiss']) {
    await expect(page.locator(`main a[href="${link}"]`).first()).toBeVisible();
  }
});

test('the language choice is remembered', async ({ page }, testInfo) => {
  await open(page, '/?lang=en', hydrated(testInfo));
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await open(page, '/kontakt', hydrated(testInfo));
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: 'Svenska' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
});

test.describe('not found', () => {
  test.use({ expectedStatusUrl: /\/finns-inte$/ });
  test('an unknown address gives a friendly 404', async ({ page }, testInfo) => {
  const res = await page.goto('/finns-inte');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Sidan finns inte' })).toBeVisible();
  await expect(page.locator('leptos-island')).toHaveCount(0);
});
});

