// Behaviour that exists only when the app's wasm runs. The config loads this file only in the
// hydrated project; without JavaScript the same forms are covered by forms.spec.ts.
import { test, expect, open, storedWithName, uniqueName } from './fixtures';
import { forms } from './form-data';

test('hydrated: a field is checked as the person types', async ({ page }) => {
  await open(page, '/kontakt', true);
  await page.getByLabel('Telefonnummer').pressSequentially('070');
  // Shown once typing pauses, without sending anything.
  await expect(page.getByText('Fel: Skriv ett telefonnummer med siffror')).toBeVisible();
  await page.getByLabel('Telefonnummer').fill('070-123 45 67');
  await expect(page.getByText('Fel: Skriv ett telefonnummer med siffror')).toHaveCount(0);
  // Nothing was sent to the server for this.
  await expect(page.locator('.error-summary')).toBeHidden();
});

test('hydrated: a double click sends one request', async ({ page }) => {
  await open(page, '/kontakt', true);
  const name = uniqueName('Bo');
  await forms[0].fill(page, name);
  await page.getByRole('button', { name: 'Be hälsolotsen kontakta mig' }).dblclick();
  await expect(page).toHaveURL(/\/kvitto\//);
  expect(storedWithName(name)).toBe(1);
});

test('only the pages with a form download the wasm, and then only the forms are hydrated', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (req) => {
    if (/\/pkg\/.*\.(js|wasm)$/.test(req.url())) scripts.push(new URL(req.url()).pathname);
  });
  for (const path of ['/', '/integritet', '/tillganglighet']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
  }
  expect(scripts).toEqual([]);
  await open(page, '/kontakt', true);
  expect(scripts.some((s) => s.endsWith('.wasm'))).toBe(true);
  // One island, the form; the rest of the page is plain server-rendered HTML.
  await expect(page.locator('leptos-island')).toHaveCount(1);
  await expect(page.locator('leptos-island form')).toHaveCount(1);
});
