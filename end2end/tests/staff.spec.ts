// The staff workspace at a desk: the first admin comes from the command line, adds a navigator,
// and the navigator logs in, changes the temporary password and logs out. axe checks every page.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Page } from '@playwright/test';
import { test, expect, open, expectAccessible, uniqueName } from './fixtures';
import { forms } from './form-data';

// A refused login (401) or page (403) is logged by the browser as a failed load.
test.use({ expectedStatusUrl: /\/lots(\/[a-z/-]*)?$/ });
test.describe.configure({ mode: 'serial' });

const adminEmail = `admin-${Date.now()}@e2e.se`;
const adminPassword = 'ett långt lösenord för admin';
const navigatorEmail = `lots-${Date.now()}@e2e.se`;

/** `halsolots user add`, as an operator runs it: the password on standard input. */
function addAdmin() {
  execFileSync(process.env.E2E_BIN as string, ['user', 'add', '--email', adminEmail, '--name', 'Alva Admin', '--role', 'admin'], {
    input: `${adminPassword}\n`,
    // The server's database and its installation key (the console refuses another key).
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${process.env.E2E_DB}?mode=rwc`,
      HALSOLOTS_KEY_FILE: `${process.env.E2E_DB}.key`,
    },
  });
}

async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
}

test('no way in until the console adds an admin, who adds a navigator who logs in and out', async ({ page }) => {
  await open(page, '/lots/logga-in', true);
  await expectAccessible(page, true);
  await logIn(page, adminEmail, adminPassword);
  await expect(page.getByText('Fel e-postadress eller lösenord')).toBeVisible();

  addAdmin();
  await logIn(page, adminEmail, adminPassword);
  await expect(page.getByRole('heading', { name: 'Välkommen, Alva Admin' })).toBeVisible();
  // The workspace is rendered on the server: it has no islands, so it downloads no wasm.
  await expect(page.locator('leptos-island')).toHaveCount(0);
  const nav = page.getByRole('navigation', { name: 'Arbetsyta' });
  await expect(nav.getByRole('link', { name: 'Admin' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Inkorg' })).toHaveCount(0);
  await expectAccessible(page, true);

  // Admin: staff list, add a navigator, read the temporary password.
  await nav.getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Personal', level: 1 })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin', exact: true })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page, true);
  await page.getByLabel('Namn').fill('Nora Lots');
  await page.getByLabel('E-postadress').fill(navigatorEmail);
  await page.getByLabel('Roll').selectOption('navigator');
  await page.getByRole('button', { name: 'Lägg till' }).click();
  await expect(page.getByRole('heading', { name: 'Tillfälligt lösenord' })).toBeVisible();
  const temporary = (await page.locator('.secret code').textContent())!.trim();
  expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  await expect(page.getByRole('cell', { name: navigatorEmail })).toBeVisible();
  await expectAccessible(page, true);

  // One account's page, the settings and the log.
  await page.getByRole('link', { name: 'Nora Lots' }).click();
  await expect(page.getByRole('heading', { name: 'Nora Lots', level: 1 })).toBeVisible();
  await expectAccessible(page, true);
  await page.getByRole('link', { name: 'Inställningar' }).click();
  await expect(page.getByLabel('Första kontakt inom (arbetsdagar)')).toHaveValue(/\d+/);
  await expectAccessible(page, true);
  await page.getByRole('link', { name: 'Logg' }).click();
  await expect(page.getByRole('cell', { name: 'Lade till personal' }).first()).toBeVisible();
  await page.getByLabel('Händelse').selectOption('login');
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(/handelse=login/);
  await expect(page.getByRole('cell', { name: 'Lade till personal' })).toHaveCount(0);
  await expect(page.getByRole('cell', { name: 'Loggade in' }).first()).toBeVisible();
  await expectAccessible(page, true);

  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByText('Du är utloggad.')).toBeVisible();

  // The navigator: temporary password, then their own.
  await logIn(page, navigatorEmail, temporary);
  await expect(page.getByRole('heading', { name: 'Byt lösenord' })).toBeVisible();
  await expectAccessible(page, true);
  await page.getByLabel('Nuvarande lösenord').fill(temporary);
  await page.getByLabel('Nytt lösenord').fill('navigatorns egna lösenord');
  await page.getByLabel('Skriv det nya lösenordet igen').fill('navigatorns egna lösenord');
  await page.getByRole('button', { name: 'Spara nytt lösenord' }).click();
  await expect(page.getByText('Ditt nya lösenord är sparat.')).toBeVisible();
  const navNav = page.getByRole('navigation', { name: 'Arbetsyta' });
  await expect(navNav.getByRole('link', { name: 'Inkorg' })).toBeVisible();
  await expect(navNav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await navNav.getByRole('link', { name: 'Inkorg' }).click();
  await expect(page.getByRole('heading', { name: 'Inkorg' })).toBeVisible();

  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByText('Du är utloggad.')).toBeVisible();
  const res = await page.goto('/lots/inkorg');
  expect(res?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
});

test('a navigator is refused the admin pages', async ({ page }) => {
  await open(page, '/lots/logga-in', true);
  await logIn(page, navigatorEmail, 'navigatorns egna lösenord');
  await expect(page.getByRole('heading', { name: 'Välkommen, Nora Lots' })).toBeVisible();
  const res = await page.goto('/lots/admin');
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Du har inte behörighet' })).toBeVisible();
  await expectAccessible(page, true);
});

test('a self-referral sent on the public page is in the navigator\'s inbox, by keyboard alone, and becomes a case', async ({ page }) => {
  // A resident asks for contact.
  const name = uniqueName('Åsa');
  const selfReferral = forms[0];
  await open(page, selfReferral.path, true);
  await selfReferral.fill(page, name);
  await page.getByRole('button', { name: selfReferral.submit }).click();
  await expect(page).toHaveURL(/\/kvitto\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  const code = page.url().split('/kvitto/')[1];

  // The navigator logs in; the navigation counts the new requests.
  await open(page, '/lots/logga-in', true);
  await logIn(page, navigatorEmail, 'navigatorns egna lösenord');
  const inboxLink = page.getByRole('navigation', { name: 'Arbetsyta' }).getByRole('link', { name: /^Inkorg \d+ nya?$/ });
  await expect(inboxLink).toBeVisible();
  // Tab to the inbox link and follow it with Enter.
  for (let i = 0; i < 30 && !(await inboxLink.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(inboxLink).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Inkorg', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Kontaktförfrågningar, de nyaste först' });
  const row = table.getByRole('row').filter({ hasText: code });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Åsa');
  await expect(row).toContainText('Personen själv');
  await expect(row).toContainText(/i dag kl\. \d\d\.\d\d/);
  await expect(row).not.toContainText('Försenad');
  await expectAccessible(page, true);

  // Search by the surname in lower case, by keyboard: the search field, then Enter.
  const search = page.getByLabel('Sök', { exact: true });
  for (let i = 0; i < 40 && !(await search.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(search).toBeFocused();
  await page.keyboard.type(name.split(' ')[1].toLowerCase());
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/lots\/inkorg\?.*sok=/);
  await expect(table.getByRole('row')).toHaveCount(2); // the header and the request
  await expect(table.getByRole('row').filter({ hasText: code })).toHaveCount(1);
  await expectAccessible(page, true);

  // The request's page: log a contact attempt (now, no answer); the history shows it.
  await table.getByRole('row').filter({ hasText: code }).getByRole('link').click();
  await expect(page.getByRole('heading', { name: /Kontaktförfrågan/, level: 1 })).toBeVisible();
  await expectAccessible(page, true);
  await page.getByRole('group', { name: 'Hur gick det?' }).getByLabel('Inget svar').check();
  await page.getByRole('button', { name: 'Spara kontaktförsöket' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sparat.' })).toBeVisible();
  await expect(page.locator('.facts .badge')).toHaveText('Kontaktad');
  await expect(page.getByRole('table', { name: 'Historik' })).toContainText('Kontaktförsök – Inget svar');
  await expectAccessible(page, true);

  // Accept it: the case page, in Kartläggning; one step forward; then the caseload counts it.
  await page.getByRole('button', { name: 'Ta emot', exact: true }).click();
  await expect(page).toHaveURL(/\/lots\/deltagare\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Åsa');
  await expectAccessible(page, true);
  await page.getByRole('button', { name: 'Gå vidare till Genomförande' }).click();
  await expect(page.getByRole('button', { name: 'Gå vidare till Avslut' })).toBeVisible();
  await expectAccessible(page, true);
  await page.getByRole('navigation', { name: 'Arbetsyta' }).getByRole('link', { name: 'Deltagare' }).click();
  await expect(page.getByRole('heading', { name: 'Deltagare', level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Ärenden' })).toContainText('Åsa');
  await expectAccessible(page, true);

  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByText('Du är utloggad.')).toBeVisible();
});

/** The code an authenticator app shows for a base32 secret (RFC 6238, SHA-1, 30 s, 6 digits). */
function totp(secret: string, offsetSteps = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/\s/g, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const step = Math.floor(Date.now() / 1000 / 30) + offsetSteps;
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const hash = createHmac('sha1', bytes).update(counter).digest();
  const offset = hash[19] & 0x0f;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test('a navigator turns on two-factor login and then logs in with a code', async ({ page }) => {
  await open(page, '/lots/logga-in', true);
  await logIn(page, navigatorEmail, 'navigatorns egna lösenord');
  await page.getByRole('navigation', { name: 'Arbetsyta' }).getByRole('link', { name: 'Tvåstegsverifiering' }).click();
  await expect(page.getByRole('img', { name: 'QR' })).toBeVisible();
  await expectAccessible(page, true);
  const secret = (await page.locator('.secret-text').textContent())!;
  await page.getByLabel('Kod', { exact: true }).fill(totp(secret));
  await page.getByRole('button', { name: 'Slå på' }).click();
  await expect(page.getByRole('heading', { name: 'Dina reservkoder' })).toBeVisible();
  await expect(page.locator('.codes li')).toHaveCount(10);
  // Turning it off again asks for the password as well as a code.
  await expect(page.getByLabel('Nuvarande lösenord')).toBeVisible();
  await page.getByRole('button', { name: 'Logga ut' }).click();

  await logIn(page, navigatorEmail, 'navigatorns egna lösenord');
  await expect(page.getByRole('heading', { name: 'Skriv koden från appen' })).toBeVisible();
  await expectAccessible(page, true);
  await page.getByLabel('Kod', { exact: true }).fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByRole('heading', { name: 'Välkommen, Nora Lots' })).toBeVisible();
});
