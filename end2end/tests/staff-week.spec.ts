// My week at a desk: a navigator (added on the command line) reaches "Min vecka" from the
// navigation by keyboard, moves a week on, and makes a private calendar link, which a calendar app
// can then fetch without logging in. axe checks every view.
import { execFileSync } from 'node:child_process';
import { Page } from '@playwright/test';
import { test, expect, open, expectAccessible } from './fixtures';

test.use({ expectedStatusUrl: /\/lots(\/[a-z/-]*)?$/ });

const email = `vecka-${Date.now()}@e2e.se`;
const password = 'ett långt lösenord för veckan';

/** `halsolots user add`, as an operator runs it: the password on standard input. */
function addNavigator() {
  execFileSync(process.env.E2E_BIN as string, ['user', 'add', '--email', email, '--name', 'Vera Vecka', '--role', 'navigator'], {
    input: `${password}\n`,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${process.env.E2E_DB}?mode=rwc`,
      HALSOLOTS_KEY_FILE: `${process.env.E2E_DB}.key`,
    },
  });
}

async function tabTo(page: Page, target: import('@playwright/test').Locator) {
  for (let i = 0; i < 40 && !(await target.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('a navigator opens my week by keyboard, goes to the next week and makes a calendar link', async ({ page }) => {
  addNavigator();
  await open(page, '/lots/logga-in', true);
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByRole('heading', { name: 'Välkommen, Vera Vecka' })).toBeVisible();

  const weekLink = page.getByRole('navigation', { name: 'Arbetsyta' }).getByRole('link', { name: 'Min vecka' });
  await tabTo(page, weekLink);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/lots\/vecka$/);
  await expect(page.getByRole('heading', { name: /^Min vecka Vecka \d+, \d{4}$/, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Mina möten', exact: true, level: 2 })).toBeVisible();
  // Monday to Sunday, each with its own heading.
  await expect(page.getByRole('heading', { level: 3 })).toHaveCount(7);
  await expect(page.getByRole('heading', { level: 3 }).first()).toContainText('måndag');
  await expect(page.getByRole('link', { name: 'Den här veckan' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('Du har inga uppgifter att göra den här veckan.')).toBeVisible();
  await expectAccessible(page, true);

  const next = page.getByRole('link', { name: 'Nästa vecka' });
  await tabTo(page, next);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/lots\/vecka\?vecka=\d{4}-W\d\d$/);
  await expect(page.getByRole('link', { name: 'Den här veckan' })).not.toHaveAttribute('aria-current', 'page');
  await expectAccessible(page, true);

  // A calendar link, made by keyboard, shown this once.
  await expect(page.getByText('Du har ingen kalenderlänk än.')).toBeVisible();
  const make = page.getByRole('button', { name: 'Skapa kalenderlänk' });
  await tabTo(page, make);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Din nya kalenderlänk' })).toBeVisible();
  const link = await page.getByLabel('Kalenderlänk').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/kalender\/[0-9a-f]{64}\.ics$/);
  await expect(page.getByRole('button', { name: 'Skapa ny länk' })).toBeVisible();
  await expectAccessible(page, true);

  // A calendar app fetches it without a session.
  const feed = await page.context().browser()!.newContext();
  const res = await feed.request.get(link);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  expect(await res.text()).toMatch(/^BEGIN:VCALENDAR\r\n/);
  await feed.close();

  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByText('Du är utloggad.')).toBeVisible();
});
