import { describe, expect, it } from 'vitest';
import {
  registeredNoticeMail,
  registrationCodeMail,
  unlockCodeMail,
  unlockedNoticeMail,
} from '../../../../server/mail/templates';
import { DEMO_HELP_CONTACTS, type HelpContacts } from '../../../../src/shared/help';

const demo = DEMO_HELP_CONTACTS;

describe('mail templates', () => {
  it('when an unlock code is mailed, then both bodies carry the code, its lifetime and the help contacts', () => {
    const mail = unlockCodeMail('Mr John Rigby', 'ABCD2345', 10, demo);
    expect(mail.subject).toBe('Your Smartcard Unlock Code');
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('Mr John Rigby');
      expect(body).toContain('ABCD 2345');
      expect(body).toContain('10 minutes');
      expect(body).toContain('x4050');
      expect(body).toContain('IT walk in centres at City or Sandwell site');
      expect(body).toContain('set a new passcode for your Smartcard');
    }
  });

  it('when a registration is confirmed by email, then its code is a confirmation code, never a Smartcard Unlock Code', () => {
    const mail = registrationCodeMail('Mr John Rigby', 'ABCD2345', 10, demo);
    expect(mail.text).toContain('Confirmation code: ABCD 2345');
    expect(mail.html).toContain('<p>Confirmation code:</p>');
    for (const body of [mail.subject, mail.text, mail.html]) {
      expect(body).not.toContain('Unlock Code');
    }
  });

  it('when a holder name holds markup, then the HTML body escapes it', () => {
    const mail = registrationCodeMail('<script>alert(1)</script>', 'ABCD2345', 10, demo);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });

  it('when notices are sent, then they carry no code and say what to do if it was not the holder', () => {
    for (const mail of [
      unlockedNoticeMail('Mr John Rigby', new Date('2026-03-02T09:15:00Z'), 'unlock', demo),
      registeredNoticeMail('Mr John Rigby', demo),
    ]) {
      expect(mail.text).not.toMatch(/Smartcard Unlock Code:/);
      expect(mail.text).toContain('If this was not you');
      expect(mail.text).toContain('x4050');
    }
    expect(
      unlockedNoticeMail('Mr John Rigby', new Date('2026-03-02T09:15:00Z'), 'unlock', demo).text,
    ).toContain('at 09:15 on Monday 2 March 2026 (UK time).');
  });

  it('when the unlock is in British Summer Time, then the notice gives the hour on UK clocks', () => {
    const mail = unlockedNoticeMail(
      'Mr John Rigby',
      new Date('2026-07-06T09:15:00Z'),
      'unlock',
      demo,
    );
    expect(mail.text).toContain(
      'Your Smartcard was unlocked and given a new passcode with the Smartcard Unlock Service at 10:15 on Monday 6 July 2026 (UK time).',
    );
    expect(mail.html).toContain('at 10:15 on Monday 6 July 2026 (UK time).');
  });

  it('when the notice carries the "This wasn\'t me" link, then the text gives it on a line of its own and the HTML as a link', () => {
    const url = 'https://scu.trust.test/not-me?token=ab.cd&x="y"';
    const mail = unlockedNoticeMail(
      'Mr John Rigby',
      new Date('2026-03-02T09:15:00Z'),
      'forgotten',
      demo,
      {
        url,
        validDays: 7,
      },
    );
    expect(mail.subject).toBe('Your Smartcard passcode has been reset');
    expect(mail.text).toContain(
      `If this was not you, use this link to stop anyone unlocking your Smartcard with the service again, then contact the IT service desk straight away:\n${url}\n`,
    );
    expect(mail.text).toContain(
      'The link can be used once, and works for 7 days after the unlock.',
    );
    expect(mail.html).toContain(
      '<a href="https://scu.trust.test/not-me?token=ab.cd&amp;x=&quot;y&quot;">This wasn’t me</a>',
    );
    expect(mail.text).toContain('x4050');
    const oneDay = unlockedNoticeMail('Mr John Rigby', new Date(), 'unlock', demo, {
      url,
      validDays: 1,
    });
    expect(oneDay.text).toContain('works for 1 day after');
  });

  it("when the server names another trust's desk, then every email names that desk and not the demo's", () => {
    const help: HelpContacts = { phone: '0121 496 0000', walkIn: 'the <IT> office & library' };
    const at = new Date('2026-03-02T09:15:00Z');
    for (const mail of [
      unlockCodeMail('Mr John Rigby', 'ABCD2345', 10, help),
      registrationCodeMail('Mr John Rigby', 'ABCD2345', 10, help),
      unlockedNoticeMail('Mr John Rigby', at, 'unlock', help),
      registeredNoticeMail('Mr John Rigby', help),
    ]) {
      expect(mail.text).toContain(
        'please let us know on 0121 496 0000 or by visiting the <IT> office & library.',
      );
      expect(mail.html).toContain('by visiting the &lt;IT&gt; office &amp; library.');
      for (const body of [mail.text, mail.html]) {
        expect(body).not.toContain('x4050');
        expect(body).not.toContain('Sandwell');
      }
    }
  });
});
