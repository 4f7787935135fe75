// The three public forms: how to fill each and what an empty submit says. Shared by the specs.
import { Page } from '@playwright/test';

export type Form = {
  path: string;
  submit: string;
  fill: (page: Page, name: string) => Promise<void>;
  emptyErrors: string[];
};

export const forms: Form[] = [
  {
    path: '/kontakt',
    submit: 'Be hälsolotsen kontakta mig',
    emptyErrors: ['Skriv ditt namn.', 'Skriv ett telefonnummer eller en e-postadress', 'Kryssa i rutan om du vill att vi sparar'],
    fill: async (page, name) => {
      await page.getByLabel('Ditt namn').fill(name);
      await page.getByLabel('Telefonnummer').fill('070-123 45 67');
      await page.getByLabel('Förmiddag').check();
      await page.getByLabel('Kultur, musik och läsning').check();
      await page.getByLabel('Vad vill du ha hjälp med?').fill('Jag vill träffa fler människor.');
      await page.getByLabel('Jag vill att hälsolotsen sparar mina uppgifter').check();
    },
  },
  {
    path: '/kontakt/for-nagon-annan',
    submit: 'Skicka till hälsolotsen',
    emptyErrors: ['Skriv ditt namn.', 'Skriv personens namn.', 'Välj vad du har för relation', 'Svara ja eller nej.'],
    fill: async (page, name) => {
      await page.getByLabel('Ditt namn').fill('Eva');
      await page.getByLabel('Din e-postadress').fill('eva@exempel.se');
      await page.getByLabel('Vän', { exact: true }).check();
      await page.getByLabel('Personens namn').fill(name);
      await page.getByLabel('Personens telefonnummer').fill('0491-123 45');
      await page.getByRole('group', { name: 'Vet personen om' }).getByLabel('Ja').check();
      await page.getByLabel('Jag vill att hälsolotsen sparar mina och personens uppgifter').check();
    },
  },
  {
    path: '/remiss',
    submit: 'Skicka remissen',
    emptyErrors: ['Skriv ditt namn.', 'Skriv var du arbetar.', 'Välj minst ett skäl.', 'Personen behöver ha sagt ja'],
    fill: async (page, name) => {
      await page.getByLabel('Ditt namn').fill('Karin Ek');
      await page.getByLabel('Arbetsplats').fill('Högsby vårdcentral');
      await page.getByLabel('Ditt telefonnummer').fill('010-356 51 25');
      await page.getByLabel('Personens namn').fill(name);
      await page.getByLabel('Personens telefonnummer').fill('070-111 22 33');
      await page.getByLabel('Ofrivillig ensamhet').check();
      await page.getByLabel('Personen har sagt ja till att hälsolotsen kontaktar hen.').check();
      await page.getByRole('group', { name: 'Har personen sagt ja till att du får veta' }).getByLabel('Nej').check();
    },
  },
];
