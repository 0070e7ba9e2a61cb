import type { Contact } from '../../../../src/shared/http-api';
import type { FlowView } from '../../../../src/shared/ipc-contract';

/** The seed's holder and questions. */
export const HOLDER = 'Mr John Rigby';
export const QUESTIONS = [
  { id: 'first-car', text: 'What was the make and model of your first car?' },
  { id: 'childhood-phone', text: 'What was your childhood phone number, including area code?' },
] as const;

/** The holder's contacts, masked as the server shows them. */
export const EMAIL: Contact = { channel: 'email', maskedAddress: 'j****y@nhs.net' };
export const MOBILE: Contact = { channel: 'sms', maskedAddress: '07*** ***321' };

export const questionsView = (
  extra: Partial<Extract<FlowView, { kind: 'unlock-questions' }>> = {},
): FlowView => ({
  kind: 'unlock-questions',
  holderName: HOLDER,
  questions: [...QUESTIONS],
  answerTriesLeft: 3,
  ...extra,
});

/** Where the code should go, for a holder with these contacts (a text message first). */
export const channelView = (
  contacts: readonly Contact[] = [MOBILE, EMAIL],
  extra: Partial<Extract<FlowView, { kind: 'unlock-channel' }>> = {},
): FlowView => ({ kind: 'unlock-channel', holderName: HOLDER, contacts: [...contacts], ...extra });

/**
 * A code view whose resend opens `seconds` from now (by the current, possibly fake, clock); the
 * code went to `sentTo`, one of the holder's `contacts` (the email alone, unless told).
 */
export const codeView = (
  seconds = 60,
  sendsLeft = 2,
  kind: 'unlock-code' | 'register-code' = 'unlock-code',
  sentTo: Contact = EMAIL,
  contacts: readonly Contact[] = [sentTo],
): FlowView => {
  const delivery = {
    ...sentTo,
    codeLength: 8,
    resendAvailableAt: new Date(Date.now() + seconds * 1000).toISOString(),
    sendsLeft,
  };
  return kind === 'unlock-code' ? { kind, delivery, contacts: [...contacts] } : { kind, delivery };
};

export const newPasscodeView = (
  policy: 'printable-4-8' | 'digits-6-8' = 'printable-4-8',
): FlowView => ({
  kind: 'unlock-new-passcode',
  policy,
});

export const registerQuestionsView = (
  questionsRequired = 2,
  alreadyRegistered = false,
): FlowView => ({
  kind: 'register-questions',
  alreadyRegistered,
  holderName: HOLDER,
  maskedEmail: 'j****y@nhs.net',
  catalogue: [
    ...QUESTIONS,
    { id: 'first-school', text: 'What was the name of your first school?' },
  ],
  questionsRequired,
});

export const changeView = (
  triesLeft = 3,
  extra: Partial<Extract<FlowView, { kind: 'change-passcode' }>> = {},
): FlowView => ({ kind: 'change-passcode', policy: 'printable-4-8', triesLeft, ...extra });
