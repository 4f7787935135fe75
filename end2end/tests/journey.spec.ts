// One request's whole way through the method, as the hälsolots works it, on a server of its own
// whose clock the test moves (HALSOLOTS_CLOCK_FILE): a resident asks for contact → the
// navigator sees it in the inbox, and once the promised first contact has passed sees it flagged
// → logs a contact attempt → accepts it → maps what matters, adds two goals, books and holds
// three meetings, writes a note and a follow-up task → moves through the three steps and closes
// the case with a reason. The request's history, the caseload's counts, my week and the audit
// log then show exactly that. axe checks every page on the way; it runs at 1024 px wide.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Page } from '@playwright/test';
import { test, expect, open, expectAccessible } from './fixtures';
import { forms } from './form-data';

test.use({ viewport: { width: 1024, height: 800 }, expectedStatusUrl: /\/lots(\/[a-z/-]*)?$/ });
test.describe.configure({ mode: 'serial' });

const db = process.env.E2E_JOURNEY_DB as string;
const clockFile = process.env.E2E_JOURNEY_CLOCK as string;
const navigator = { email: 'nora@journey.se', password: 'norasegnalangalosenord' };
const admin = { email: 'alva@journey.se', password: 'alvasegnalangalosenord' };

function addUser(email: string, name: string, role: string, password: string) {
  execFileSync(process.env.E2E_BIN as string, ['user', 'add', '--email', email, '--name', name, '--role', role], {
    input: `${password}\n`,
    env: { ...process.env, DATABASE_URL: `sqlite://${db}?mode=rwc`, HALSOLOTS_KEY_FILE: `${db}.key` },
  });
}

/** Moves the server's clock to `at` (UTC) and waits until the server has read it. */
async function setClock(page: Page, at: string) {
  writeFileSync(clockFile, at);
  await page.waitForTimeout(400);
}

async function logIn(page: Page, who: { email: string; password: string }) {
  await open(page, '/lots/logga-in', true);
  await page.getByLabel('E-postadress').fill(who.email);
  await page.getByLabel('Lösenord', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByRole('heading', { name: /^Välkommen/ })).toBeVisible();
}

test('a self-referral goes all the way: inbox, overdue, contact, case, three steps, closed', async ({ page }) => {
  test.setTimeout(180_000);
  // Monday 23 November 2026, 09.00 in Stockholm. The team promises first contact within 3
  // working days: by Thursday the 26th.
  await setClock(page, '2026-11-23T08:00:00Z');
  addUser(navigator.email, 'Nora Lots', 'navigator', navigator.password);
  addUser(admin.email, 'Alva Admin', 'admin', admin.password);

  // A resident asks for contact.
  const selfReferral = forms[0];
  await open(page, selfReferral.path, true);
  await selfReferral.fill(page, 'Märta Lindqvist');
  await page.getByRole('button', { name: selfReferral.submit }).click();
  await expect(page).toHaveURL(/\/kvitto\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  const code = page.url().split('/kvitto/')[1];

  // The navigator sees it, not yet overdue.
  await logIn(page, navigator);
  const nav = page.getByRole('navigation', { name: 'Arbetsyta' });
  await nav.getByRole('link', { name: /^Inkorg/ }).click();
  const inbox = page.getByRole('table', { name: 'Kontaktförfrågningar, de nyaste först' });
  const row = inbox.getByRole('row').filter({ hasText: code });
  await expect(row).toContainText('Märta');
  await expect(row).not.toContainText('Försenad');

  // Friday the 27th: the promise has passed. (The session has outlived its idle time.)
  await setClock(page, '2026-11-27T08:00:00Z');
  await logIn(page, navigator);
  await page.goto('/lots/inkorg');
  await expect(inbox.getByRole('row').filter({ hasText: code })).toContainText('Försenad');
  await expectAccessible(page, true);

  // A contact attempt: reached.
  await inbox.getByRole('row').filter({ hasText: code }).getByRole('link').click();
  await page.getByRole('group', { name: 'Hur gick det?' }).getByLabel('Fick kontakt').check();
  await page.getByRole('button', { name: 'Spara kontaktförsöket' }).click();
  await expect(page.getByRole('table', { name: 'Historik' })).toContainText('Kontaktförsök – Fick kontakt');
  await expectAccessible(page, true);

  // Accept: the case, in Kartläggning.
  const requestPath = new URL(page.url()).pathname;
  await page.getByRole('button', { name: 'Ta emot', exact: true }).click();
  await expect(page).toHaveURL(/\/lots\/deltagare\/\d+$/);
  const casePath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Märta Lindqvist');
  await expectAccessible(page, true);

  // What matters to her.
  await page.getByLabel('Intressen').fill('Sång, stickning');
  await page.getByLabel('Önskemål').fill('Träffa andra på dagtid');
  await page.getByLabel('Resor och transport').check();
  await page.getByLabel('Berätta mer om det som står i vägen').fill('Bussen går sällan.');
  await page.getByRole('button', { name: 'Spara kartläggningen' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Ändringen är sparad.' })).toBeVisible();
  await expect(page.getByLabel('Intressen')).toHaveValue('Sång, stickning');
  await expect(page.getByText(/Senast sparad 2026-11-27 kl\. 09\.\d\d av Nora Lots/)).toBeVisible();

  // Two goals in her own words.
  for (const goal of ['Sjunga i kör igen', 'Komma ut två gånger i veckan']) {
    await page.getByLabel('Nytt mål, med personens egna ord').fill(goal);
    await page.getByRole('button', { name: 'Lägg till målet' }).click();
    await expect(page.getByRole('cell', { name: goal, exact: true })).toBeVisible();
  }

  // Three meetings this afternoon, each held.
  for (const time of ['13:00', '14:30', '16:00']) {
    await page.getByLabel('Datum', { exact: true }).fill('2026-11-27');
    await page.getByLabel('Klockslag').fill(time);
    await page.getByLabel('Plats', { exact: true }).selectOption('library');
    await page.getByRole('button', { name: 'Boka mötet' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Ändringen är sparad.' })).toBeVisible();
  }
  await expect(page.locator('#meetings-count')).toHaveText('0 av 5 planerade möten genomförda.');
  for (const when of ['2026-11-27 kl. 13.00', '2026-11-27 kl. 14.30', '2026-11-27 kl. 16.00']) {
    const form = page.getByRole('group', { name: `Ändra mötet ${when}` });
    await form.getByLabel('Hur gick mötet?').selectOption('held');
    await form.getByRole('button', { name: 'Spara mötet' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Ändringen är sparad.' })).toBeVisible();
  }
  await expect(page.locator('#meetings-count')).toHaveText('3 av 5 planerade möten genomförda.');
  await expectAccessible(page, true);

  // A note and a follow-up task, by keyboard: type, then Enter on the button.
  await page.getByLabel('Ny anteckning').fill('Vill prova kören i Folkets hus.');
  await page.getByRole('button', { name: 'Spara anteckningen' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Vill prova kören i Folkets hus.')).toBeVisible();
  await page.getByLabel('Vad ska göras?').fill('Ring körledaren');
  await page.getByLabel('Senast (datum)').fill('2026-11-27');
  await page.getByRole('button', { name: 'Lägg till uppgiften' }).click();
  await expect(page.getByRole('cell', { name: 'Ring körledaren', exact: true })).toBeVisible();
  await expectAccessible(page, true);

  // Through the steps, and closed with a reason.
  await page.getByRole('button', { name: 'Gå vidare till Genomförande' }).click();
  await page.getByRole('button', { name: 'Gå vidare till Avslut' }).click();
  await expect(page.locator('#h-stage ~ p strong')).toHaveText('Avslut');
  await page.getByLabel('Varför avslutas ärendet?').selectOption('found_activity');
  await page.getByLabel('Datum för avslutet').fill('2026-11-27');
  await page.getByRole('button', { name: 'Avsluta ärendet' }).click();
  await expect(page.getByText('Avslutat 2026-11-27: Har hittat en grupp eller aktivitet')).toBeVisible();
  const history = page.getByRole('table', { name: 'Ärendets steg, de äldsta först' });
  await expect(history.getByRole('row')).toHaveCount(5); // header + started, two steps, closed
  await expectAccessible(page, true);

  // The request's history: the contact attempt and the acceptance, nothing else.
  await page.goto(requestPath);
  const requestHistory = page.getByRole('table', { name: 'Historik' });
  await expect(requestHistory.getByRole('row')).toHaveCount(3);
  await expect(requestHistory).toContainText('Kontaktförsök – Fick kontakt');
  await expect(requestHistory).toContainText('Mottagen som deltagare');
  await expectAccessible(page, true);
  await page.goto(casePath);

  // The caseload: one closed case, none open.
  await nav.getByRole('link', { name: 'Deltagare' }).click();
  await expect(page.locator('.count[data-stage="closed"]')).toHaveText('1');
  for (const stage of ['mapping', 'implementation', 'closing']) {
    await expect(page.locator(`.count[data-stage="${stage}"]`)).toHaveText('0');
  }
  await expectAccessible(page, true);

  // My week (23–29 November): Friday holds the three meetings, held; the task is due.
  await nav.getByRole('link', { name: 'Min vecka' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Vecka 48, 2026');
  const friday = page.getByRole('table', { name: /fredag 27 november/ });
  await expect(friday.getByRole('row')).toHaveCount(4); // header + three meetings
  await expect(friday).toContainText('kl. 13.00');
  await expect(friday).toContainText('kl. 14.30');
  await expect(friday).toContainText('kl. 16.00');
  await expect(friday.getByRole('link', { name: 'Märta' })).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'Min uppföljning' })).toContainText('Ring körledaren');
  for (const day of ['måndag 23 november', 'tisdag 24 november', 'onsdag 25 november', 'torsdag 26 november']) {
    await expect(page.getByRole('table', { name: new RegExp(day) })).toHaveCount(0);
  }
  await expectAccessible(page, true);

  await page.getByRole('button', { name: 'Logga ut' }).click();

  // The audit log, as the admin reads it: each step of the work is there.
  await logIn(page, admin);
  await page.goto('/lots/admin/logg');
  for (const entry of [
    'Tog emot en förfrågan som ärende',
    'Sparade "Vad är viktigt för dig?"',
    'Lade till ett mål',
    'Bokade ett möte',
    'Ändrade ett möte',
    'Skrev en anteckning',
    'Lade till en uppföljningsuppgift',
  ]) {
    await expect(page.getByRole('cell', { name: entry, exact: true }).first()).toBeVisible();
  }
  await expect(page.getByRole('cell', { name: 'Bokade ett möte', exact: true })).toHaveCount(3);
  await expect(page.getByRole('cell', { name: 'Lade till ett mål', exact: true })).toHaveCount(2);
  await expectAccessible(page, true);
});
