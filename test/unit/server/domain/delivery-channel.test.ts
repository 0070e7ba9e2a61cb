import { describe, expect, it } from 'vitest';
import { chooseRecipient } from '../../../../server/domain/delivery-channel';

const withMobile = { email: 'john.rigby@nhs.net', mobile: '+447700900321' };
const emailOnly = { email: 'john.rigby@nhs.net', mobile: null };

describe('the channel an unlock code goes on (delivery.channels)', () => {
  it('when the order is the default ["email"], then the code goes by email whether or not there is a mobile', () => {
    expect(chooseRecipient(['email'], withMobile)).toEqual({
      channel: 'email',
      to: 'john.rigby@nhs.net',
    });
    expect(chooseRecipient(['email'], emailOnly)).toEqual({
      channel: 'email',
      to: 'john.rigby@nhs.net',
    });
  });

  it('when text messages come first, then a holder with a mobile gets one and a holder without gets email', () => {
    expect(chooseRecipient(['sms', 'email'], withMobile)).toEqual({
      channel: 'sms',
      to: '+447700900321',
    });
    expect(chooseRecipient(['sms', 'email'], emailOnly)).toEqual({
      channel: 'email',
      to: 'john.rigby@nhs.net',
    });
  });

  it('when only text messages are allowed and the holder has no mobile, then there is no recipient', () => {
    expect(chooseRecipient(['sms'], emailOnly)).toBeUndefined();
  });
});
