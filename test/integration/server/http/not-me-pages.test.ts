import { createHash, createPublicKey } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../../src/main/card/virtual/certificate';
import { errorResponseSchema, startAttemptResponseSchema } from '../../../../src/shared/http-api';
import { chromiumForSuite, chromiumPresent } from '../../../support/chromium';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../support/smtp';
import { runAxe } from '../../../support/e2e-screens';
import {
  Driver,
  codeThenUnblock,
  ctx,
  importOf,
  makeCard,
  must,
  proof,
  type TestCard,
} from '../domain/harness';
import { startRealServer, type RealServer } from '../support/real-server';

let server: RealServer;
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startRealServer({ smtp });
});
afterAll(async () => {
  await server?.close();
  await smtp?.stop();
});

/** A card imported and registered, unlocked through the services, and the link its notice carries. */
async function unlockedCardAndLink(): Promise<{ card: TestCard; link: URL; notice: ReceivedMail }> {
  const driver = new Driver(server.core, smtp);
  const card = makeCard({ email: `holder-${Date.now()}-${Math.random()}@nhs.net` });
  await driver.importCards(card);
  await driver.register(card);
  const { attemptId, code } = await driver.unlockToCode(card);
  must(await codeThenUnblock(server.core, attemptId, code));
  const before = smtp.received.length;
  const outcome = { outcome: 'unlocked', pukOnCard: 'next' } as const;
  must(await server.core.unlock.step('outcome', attemptId, outcome, ctx));
  let notice: ReceivedMail;
  for (let at = before; ; at += 1) {
    notice = await smtp.nextMail(at);
    if (notice.to.includes(card.email) && notice.subject.includes('unlocked')) break;
  }
  const found = /(https?:\/\/\S+\/not-me\?token=\S+)/.exec(notice.text)?.[1];
  if (found === undefined) throw new Error(`no link in the notice: ${notice.text}`);
  return { card, link: new URL(found), notice };
}

/** The link's path and query on the test server (its settings' address is the development one). */
const onServer = (link: URL): string => `${server.url}${link.pathname}${link.search}`;

/** The page's form, as a browser posts it. */
const post = (body: string, type = 'application/x-www-form-urlencoded') =>
  fetch(`${server.url}/not-me`, { method: 'POST', headers: { 'content-type': type }, body });

/** The card's proof on a fresh unlock, over HTTP as the app sends it. */
async function proveOverHttp(card: TestCard, key = card.cardAuthentication) {
  const started = await server.post('/v1/unlock/attempts', { cardId: card.cardId });
  const a = startAttemptResponseSchema.parse(started.body);
  const signature = Buffer.from(proof(key, 'unlock', a.attemptId, a.nonce)).toString('base64');
  return server.post(`/v1/unlock/attempts/${a.attemptId}/card-proof`, { signature });
}

describe('the "This wasn\'t me" pages over real HTTP', () => {
  it("when the notice is mailed, then its link is the server's public address, the page and a token", async () => {
    const { link, card } = await unlockedCardAndLink();
    expect(`${link.origin}${link.pathname}`).toBe(`${server.settings.core.publicUrl}/not-me`);
    expect(link.searchParams.get('token')?.startsWith(`${card.cardId}.`)).toBe(true);
  });

  it('when the link is opened, then the page says when, offers one button under a strict policy, and changes nothing', async () => {
    const { link, card } = await unlockedCardAndLink();
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(onServer(link));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      const html = await res.text();
      // The one inline style is admitted by its hash, so the page is styled and nothing else runs.
      const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
      const hash = createHash('sha256').update(style).digest('base64');
      expect(csp).toContain(`style-src 'sha256-${hash}'`);
      expect(html).not.toMatch(/<script|src=|<link/);
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<h1>Report an unlock that was not you</h1>');
      expect(html).toMatch(/at \d\d:\d\d on \w+day \d+ \w+ 20\d\d \(UK time\)/);
      expect(html).toContain('<form method="post" action="not-me">');
      expect(html).toContain(
        `<input type="hidden" name="token" value="${link.searchParams.get('token')}">`,
      );
      expect(html).toContain(
        '<button type="submit">This wasn’t me — freeze self-service for my Smartcard</button>',
      );
      expect(html).toContain('x4050');
    }
    expect(must(await server.core.admin.showCard(card.cardId)).selfServiceFrozen).toBeNull();
  });

  it('when the button is pressed, then self-service is frozen, the page says what to do now, and the app is refused with SELF_SERVICE_FROZEN', async () => {
    const { link, card } = await unlockedCardAndLink();
    const token = link.searchParams.get('token')!;
    const res = await post(new URLSearchParams({ token }).toString());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Self-service unlock is frozen for your Smartcard</h1>');
    expect(html).toContain(
      'Call the IT service desk on x4050 or visit the IT walk in centres at City or Sandwell site now.',
    );
    expect(html).toContain('Check that you still have your Smartcard.');
    expect(html).toContain('whoever has it and knows its passcode can still log in with it');
    expect(must(await server.core.admin.showCard(card.cardId)).selfServiceFrozen).toMatchObject({
      reason: 'not-me',
    });

    const proved = await proveOverHttp(card);
    expect(proved.status).toBe(423);
    expect(errorResponseSchema.parse(proved.body).error).toEqual({
      code: 'SELF_SERVICE_FROZEN',
      message:
        'Someone reported that an unlock of this smartcard was not them, so self-service unlock is frozen for it.',
      nextStep:
        'Call the IT service desk on x4050 or visit the IT walk in centres at City or Sandwell site. They will check who you are, can unlock your card and can turn self-service unlock back on.',
    });

    // Used: both the page and the button say so, with 409.
    for (const again of [await fetch(onServer(link)), await post(`token=${token}`)]) {
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('<h1>This unlock has already been reported</h1>');
    }
  });

  it('when a link is wrong, then each failure is a page with its status, never JSON', async () => {
    const { link } = await unlockedCardAndLink();
    const token = link.searchParams.get('token')!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const [res, status, heading] of [
      [await fetch(`${server.url}/not-me`), 404, 'This link does not work'],
      [await fetch(`${server.url}/not-me?token=${tampered}`), 404, 'This link does not work'],
      [await post(`token=${tampered}`), 404, 'This link does not work'],
      [await post(JSON.stringify({ token }), 'application/json'), 404, 'This link does not work'],
      [await post(`token=${'x'.repeat(5000)}`), 413, 'There is a problem'],
      [await fetch(`${server.url}/not-me`, { method: 'PUT' }), 405, 'This attempt has ended'],
    ] as const) {
      expect(res.status, heading).toBe(status);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain(`<h1>${heading}</h1>`);
    }
    // Nothing was frozen by any of them.
    const proved = await unlockedCardAndLink();
    expect(must(await server.core.admin.showCard(proved.card.cardId)).selfServiceFrozen).toBeNull();
  });

  it('when the pages are used, then the request log names the path and the refusal but never the token; the reports are counted', async () => {
    const { link } = await unlockedCardAndLink();
    const token = link.searchParams.get('token')!;
    await fetch(onServer(link));
    await post(`token=${token}`);
    await post(`token=${token}`);
    const logs = server.logs.join('\n');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(token.split('.').at(-1));
    type RequestLine = {
      req?: { url?: string; method?: string };
      res?: { statusCode?: number };
      errorCode?: string;
    };
    const lines = server.logs.map((l) => JSON.parse(l) as RequestLine);
    const pageLines = lines.filter((l) => l.req?.url === '/not-me');
    expect(pageLines.map((l) => [l.req?.method, l.res?.statusCode])).toEqual(
      expect.arrayContaining([
        ['GET', 200],
        ['POST', 200],
        ['POST', 409],
      ]),
    );
    expect(pageLines.find((l) => l.res?.statusCode === 409)?.errorCode).toBe(
      'NOT_ME_ALREADY_REPORTED',
    );
    const metrics = await (await fetch(`${server.operatorUrl}/metrics`)).text();
    expect(metrics).toMatch(/scu_not_me_reports_total\{outcome="frozen"\} [1-9]/);
    expect(metrics).toMatch(/scu_not_me_reports_total\{outcome="already-reported"\} [1-9]/);
    expect(metrics).toContain('route="/not-me"');
  });

  it("when a card's certificate has expired, then the app is told at the proof with 403 CERTIFICATE_EXPIRED and sent to the RA", async () => {
    const card = makeCard();
    const expired = selfSignedCertificate({
      privateKey: card.cardAuthentication,
      publicKey: createPublicKey(card.cardAuthentication),
      commonName: 'Mr John Rigby',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    must(
      await server.core.admin.importCards(
        [{ ...importOf(card), cardAuthentication: expired }],
        'admin:test',
      ),
    );
    const proved = await proveOverHttp(card);
    expect(proved.status).toBe(403);
    expect(errorResponseSchema.parse(proved.body).error).toEqual({
      code: 'CERTIFICATE_EXPIRED',
      message: 'The certificate on this smartcard has expired, so it cannot be used to log in.',
      nextStep:
        'Take your Smartcard to your Registration Authority (RA) to have it renewed. It cannot be unlocked or used to log in until then. If you do not know where your RA is, call the IT service desk on x4050.',
    });
  });
});

const haveChromium = chromiumPresent('not-me');

/** axe's WCAG 2.2 AA findings on the page, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await runAxe(page);
  return [...results.violations, ...results.incomplete].map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe.skipIf(!haveChromium)('the "This wasn\'t me" pages in Chromium', () => {
  const browser = chromiumForSuite();

  it('when a holder opens the link at 320 px, by keyboard, then both pages pass axe, reflow, keep their style under the policy and freeze on Enter', async () => {
    const { link, card } = await unlockedCardAndLink();
    const context = await browser().newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text());
    });
    await page.goto(onServer(link));
    expect(await axeViolations(page)).toEqual([]);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= 320);
    expect(await fits()).toBe(true);
    const button = page.getByRole('button', {
      name: 'This wasn’t me — freeze self-service for my Smartcard',
    });
    // The style applied: the NHS green button, so the hash in the policy is right.
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
      'rgb(0, 127, 59)',
    );
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Skip to main content',
    );
    await page.keyboard.press('Tab');
    expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
    await Promise.all([page.waitForURL(/\/not-me$/), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Self-service unlock is frozen for your Smartcard',
    );
    expect(await axeViolations(page)).toEqual([]);
    expect(await fits()).toBe(true);
    expect(blocked).toEqual([]);
    expect(must(await server.core.admin.showCard(card.cardId)).selfServiceFrozen).not.toBeNull();
    await context.close();
  });

  it('when forced colours are on, then the page and its refusal pass axe', async () => {
    const { link } = await unlockedCardAndLink();
    const context = await browser().newContext({ forcedColors: 'active' });
    const page = await context.newPage();
    await page.goto(onServer(link));
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${server.url}/not-me?token=nothing`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'This link does not work',
    );
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
