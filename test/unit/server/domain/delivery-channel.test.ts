import { describe, expect, it } from 'vitest';
import { holderContacts, maskedContact } from '../../../../server/domain/delivery-channel';

const withMobile = { email: 'john.rigby@nhs.net', mobile: '+447700900321' };
const emailOnly = { email: 'john.rigby@nhs.net', mobile: null };
const mobileOnly = { email: null, mobile: '+447700900321' };

describe("a holder's contacts for codes (delivery.channels)", () => {
  it('when the order is the default ["email"], then only the email is offered, whether or not there is a mobile', () => {
    expect(holderContacts(['email'], withMobile)).toEqual([
      { channel: 'email', to: 'john.rigby@nhs.net' },
    ]);
    expect(holderContacts(['email'], emailOnly)).toEqual([
      { channel: 'email', to: 'john.rigby@nhs.net' },
    ]);
  });

  it('when both channels are offered, then a holder with both gets both in the setting’s order, and one without a mobile gets email', () => {
    expect(holderContacts(['sms', 'email'], withMobile)).toEqual([
      { channel: 'sms', to: '+447700900321' },
      { channel: 'email', to: 'john.rigby@nhs.net' },
    ]);
    expect(holderContacts(['email', 'sms'], withMobile).map((c) => c.channel)).toEqual([
      'email',
      'sms',
    ]);
    expect(holderContacts(['sms', 'email'], emailOnly)).toEqual([
      { channel: 'email', to: 'john.rigby@nhs.net' },
    ]);
  });

  it('when the holder has no address on any channel offered, then there is no contact', () => {
    expect(holderContacts(['sms'], emailOnly)).toEqual([]);
    expect(holderContacts(['email'], mobileOnly)).toEqual([]);
  });

  it('when a contact is shown, then its address is masked for its channel', () => {
    expect(maskedContact({ channel: 'email', to: 'john.rigby@nhs.net' })).toEqual({
      channel: 'email',
      maskedAddress: 'j****y@nhs.net',
    });
    expect(maskedContact({ channel: 'sms', to: '+447700900321' })).toEqual({
      channel: 'sms',
      maskedAddress: '07*** ***321',
    });
  });
});
