import { describe, expect, it } from 'vitest';
import { flowViewSchema, IPC_INVOKE } from '../../../src/shared/ipc-contract';

const MOBILE = { channel: 'sms', maskedAddress: '07*** ***321' };
const EMAIL = { channel: 'email', maskedAddress: 'j****y@nhs.net' };
const delivery = {
  ...MOBILE,
  codeLength: 8,
  resendAvailableAt: '2026-11-28T12:01:00.000Z',
  sendsLeft: 2,
};

describe('the IPC contract: where the code goes', () => {
  const sendCode = IPC_INVOKE['unlock:send-code'].request;

  it('takes a channel the server knows, and nothing else', () => {
    expect(sendCode.parse({ channel: 'sms' })).toEqual({ channel: 'sms' });
    expect(IPC_INVOKE['forgotten:send-code'].request.parse({ channel: 'email' })).toEqual({
      channel: 'email',
    });
    expect(sendCode.safeParse({ channel: 'fax' }).success).toBe(false);
    expect(sendCode.safeParse({}).success).toBe(false);
    expect(sendCode.safeParse({ channel: 'sms', to: '07700900321' }).success).toBe(false);
  });

  it('shows the choice with one or two masked contacts, and never none or more', () => {
    const view = { kind: 'unlock-channel', holderName: 'Mr John Rigby' };
    expect(flowViewSchema.safeParse({ ...view, contacts: [MOBILE, EMAIL] }).success).toBe(true);
    expect(flowViewSchema.safeParse({ ...view, contacts: [MOBILE] }).success).toBe(true);
    expect(flowViewSchema.safeParse({ ...view, contacts: [] }).success).toBe(false);
    expect(flowViewSchema.safeParse({ ...view, contacts: [MOBILE, EMAIL, EMAIL] }).success).toBe(
      false,
    );
  });

  it("gives the unlock's code screen the holder's contacts, for sending the code another way", () => {
    const view = { kind: 'unlock-code', delivery };
    expect(flowViewSchema.safeParse({ ...view, contacts: [MOBILE, EMAIL] }).success).toBe(true);
    expect(flowViewSchema.safeParse(view).success).toBe(false);
    expect(flowViewSchema.safeParse({ kind: 'register-code', delivery }).success).toBe(true);
  });

  it("passes on how the server checks holders as the HTTP API says it, and refuses a model it doesn't know", () => {
    const service = IPC_INVOKE['flow:get-service'].response;
    expect(service.parse({ verification: 'code-only', channels: ['sms', 'email'] })).toEqual({
      verification: 'code-only',
      channels: ['sms', 'email'],
    });
    expect(service.safeParse({ verification: 'answers-only', channels: ['email'] }).success).toBe(
      false,
    );
    expect(service.safeParse({ verification: 'code-only', channels: [] }).success).toBe(false);
  });
});

describe('the IPC contract: a removed card', () => {
  it('asks for the card again with at most a reason, and carries no attempt or card identifier', () => {
    const error = {
      code: 'CARD_ABSENT',
      message: 'There is no smartcard in the reader.',
      nextStep: 'Insert your smartcard.',
    };
    expect(flowViewSchema.parse({ kind: 'reinsert-card' })).toEqual({ kind: 'reinsert-card' });
    expect(flowViewSchema.safeParse({ kind: 'reinsert-card', error }).success).toBe(true);
    expect(
      flowViewSchema.safeParse({ kind: 'reinsert-card', cardId: 'c'.repeat(32) }).success,
    ).toBe(false);
  });

  it('resumes on its own channel, which takes nothing and answers with a view', () => {
    const resume = IPC_INVOKE['flow:resume'];
    expect(resume.method).toBe('flowResume');
    expect(resume.request.safeParse({}).success).toBe(true);
    expect(resume.request.safeParse({ cardId: 'c'.repeat(32) }).success).toBe(false);
    expect(resume.response.parse({ kind: 'unlock-new-passcode', policy: 'digits-6-8' })).toEqual({
      kind: 'unlock-new-passcode',
      policy: 'digits-6-8',
    });
  });
});
