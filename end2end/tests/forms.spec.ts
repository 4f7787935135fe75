import { forms } from './form-data';
import { test, expect, open, settled, hydrated, expectAccessible, storedWithName, uniqueName } from './fixtures';

// Without JavaScript a refused submit comes back as the same page with status 422, which the
// browser logs as a failed load; that is the expected answer here.
test.use({ expectedStatusUrl: /\/(kontakt|kontakt\/for-nagon-annan|remiss)$/ });

for (const form of forms) {
  test(`${form.path}: an empty submit shows what to fix and stores nothing`, async ({ page }, testInfo) => {
    await open(page, form.path, hydrated(testInfo));
    await page.getByRole('button', { name: form.submit }).click();
    const summary = page.locator('.error-summary');
    await expect(summary).toBeVisible();
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('heading')).toHaveText('Något behöver rättas till');
    for (const message of form.emptyErrors) {
      await expect(summary).toContainText(message);
      await expect(page.locator('.error-message', { hasText: message })).toBeVisible();
    }
    // The summary links to the first wrong field (and, hydrated, puts the cursor there).
    await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#f-name');
    if (hydrated(testInfo)) {
      await summary.getByRole('link').first().click();
      await expect(page.locator('#f-name')).toBeFocused();
    }
    await expectAccessible(page, hydrated(testInfo));
  });

  test(`${form.path}: a valid submit stores one request and shows the receipt`, async ({ page }, testInfo) => {
    await open(page, form.path, hydrated(testInfo));
    const name = uniqueName('Anna');
    await form.fill(page, name);
    await page.getByRole('button', { name: form.submit }).click();
    await expect(page).toHaveURL(/\/kvitto\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tack! Vi har fått din förfrågan');
    const code = (await page.getByTestId('reference-code').textContent())?.trim();
    expect(page.url()).toContain(`/kvitto/${code}`);
    await expect(page.getByRole('heading', { name: 'Det här händer nu' })).toBeVisible();
    await expect(page.getByText('031-390 06 12').first()).toBeVisible();
    expect(storedWithName(name)).toBe(1);
    await expectAccessible(page, hydrated(testInfo));
    // Reloading the receipt sends nothing.
    await page.reload();
    await expect(page.getByTestId('reference-code')).toHaveText(code!);
    // Let the reloaded page finish starting before going back, as a person would.
    if (hydrated(testInfo)) await settled(page);
    // Back to the form and send the same again: it is the same request, with the same receipt.
    const receiptUrl = page.url();
    await page.goBack();
    await expect(page.getByRole('button', { name: form.submit })).toBeVisible();
    if (hydrated(testInfo)) await settled(page);
    await form.fill(page, name);
    await page.getByRole('button', { name: form.submit }).click();
    await expect(page).toHaveURL(receiptUrl);
    expect(storedWithName(name)).toBe(1);
  });
}

test('/kontakt: wrong input keeps what was typed and says how to fix it', async ({ page }, testInfo) => {
  await open(page, '/kontakt', hydrated(testInfo));
  await page.getByLabel('Ditt namn').fill('Greta');
  await page.getByLabel('Telefonnummer').fill('12345');
  await page.getByLabel('E-postadress').fill('greta@');
  await page.getByLabel('Vad vill du ha hjälp med?').fill('<script>alert(1)</script>');
  await page.getByRole('button', { name: 'Be hälsolotsen kontakta mig' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(page.getByText('Fel: Skriv ett telefonnummer med siffror, till exempel 070-123 45 67.')).toBeVisible();
  await expect(page.getByText('Fel: Skriv en e-postadress med @, till exempel namn@exempel.se.')).toBeVisible();
  await expect(page.getByText('Fel: Texten får inte innehålla kod')).toBeVisible();
  await expect(page.getByLabel('Ditt namn')).toHaveValue('Greta');
  await expect(page.getByLabel('Telefonnummer')).toHaveValue('12345');
  await expect(page.getByLabel('Vad vill du ha hjälp med?')).toHaveValue('<script>alert(1)</script>');
  await expect(page.getByLabel('Telefonnummer')).toHaveAttribute('aria-invalid', 'true');
  expect(storedWithName('Greta')).toBe(0);
  // Fix it and send: one request.
  const name = uniqueName('Greta');
  await page.getByLabel('Ditt namn').fill(name);
  await page.getByLabel('Telefonnummer').fill('070-123 45 67');
  await page.getByLabel('E-postadress').fill('');
  await page.getByLabel('Vad vill du ha hjälp med?').fill('');
  await page.getByLabel('Jag vill att hälsolotsen sparar mina uppgifter').check();
  await page.getByRole('button', { name: 'Be hälsolotsen kontakta mig' }).click();
  await expect(page).toHaveURL(/\/kvitto\//);
  expect(storedWithName(name)).toBe(1);
});

test('/kontakt/for-nagon-annan: without the person\'s agreement nothing is stored', async ({ page }, testInfo) => {
  await open(page, '/kontakt/for-nagon-annan', hydrated(testInfo));
  const name = uniqueName('Karl');
  await forms[1].fill(page, name);
  await page.getByRole('group', { name: 'Vet personen om' }).getByLabel('Nej').check();
  if (hydrated(testInfo)) {
    // Hydrated, the kind explanation shows as soon as "Nej" is chosen.
    await expect(page.getByText('Prata med personen först')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Skicka till hälsolotsen' }).click();
  await expect(page.locator('.error-summary')).toContainText('Prata med personen först');
  expect(storedWithName(name)).toBe(0);
});

test('a form in English and in Arabic', async ({ page }, testInfo) => {
  await open(page, '/kontakt?lang=en', hydrated(testInfo));
  await page.getByRole('button', { name: 'Ask the health navigator to contact me' }).click();
  await expect(page.locator('.error-summary')).toContainText('Write your name.');
  await expectAccessible(page, hydrated(testInfo));
  await open(page, '/kontakt?lang=ar', hydrated(testInfo));
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.locator('button[type=submit]').click();
  await expect(page.locator('.error-summary')).toBeVisible();
  await expectAccessible(page, hydrated(testInfo));
});
