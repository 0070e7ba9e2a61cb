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
    ).toContain('2026-03-02 09:15 UTC');
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
