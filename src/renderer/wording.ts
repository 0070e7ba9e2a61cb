import type { ErrorCode } from '../shared/errors';
import type { FlowView } from '../shared/ipc-contract';

/**
 * Screen wording. Where the service description (the seed) has words for a screen they are used
 * as written; the rest follows its tone. Error messages and next steps come from
 * src/shared/errors.ts, help contacts from src/shared/help.ts.
 */

/** The product's name, as the seed's heading has it. */
export const SERVICE_NAME = 'Smartcard Unlock';

/** The seed's start page, paragraph by paragraph. */
export const START_WORDING = {
  intro:
    'Here you can unlock your Smartcard and set a new passcode. You need to have registered for the Smartcard Unlock Service to be able to do this.',
  stepsLead: 'Complete these 3 simple steps to unlock your Smartcard.',
  steps: [
    'Answer security questions you set during registration.',
    'Enter the Unlock Code that we will send you via registered email.',
    'Reset your Smartcard passcode.',
  ],
  duration:
    'These steps should take no longer than 5 minutes to complete. Please make sure you have access to your email account.',
  instruction:
    'To start the process, insert your Smartcard into the Smartcard reader and press the Start button below',
} as const;

/** The seed's security questions page. */
export const QUESTIONS_WORDING = {
  heading: 'Security Questions',
  warning: (holderName: string) =>
    [
      'You are attempting to unlock a Smartcard issued to ',
      holderName,
      '. If this is not you please do not proceed. To do so will result in disciplinary action.',
    ] as const,
  lead: 'To confirm your identity please answer the following security questions. These are questions that you provided when you registered for the Smartcard Unlock Service.',
} as const;

/** The seed's unlock code page. */
export const CODE_WORDING = {
  heading: 'Smartcard Unlock Code',
  lead: 'We have sent a Smartcard Unlock Code to your registered email address. Once you receive the code, enter it below and press the Next button. This will take you to a screen where you will be able to set a new passcode for your Smartcard.',
  junk: 'If the email is not in your inbox, please check your junk folder.',
  delayed:
    'The email service is slow just now, so it may take a few minutes for the email to arrive. If it has not arrived by the time you can ask for a new code, press Resend code.',
} as const;

/** The seed's new passcode instructions. */
export const PASSCODE_WORDING = {
  heading: 'Set a new passcode',
  reuse:
    'If you remember your existing passcode and your card was just locked, you can use the same passcode you used before. Otherwise, choose a new one.',
  confirmHint: 'Please confirm your passcode by filling both boxes, then press Confirm.',
} as const;

/** The seed's log-in page, used before registration. */
export const LOGIN_WORDING = {
  heading: 'Log in with Smartcard',
  label: 'Enter your passcode',
  terms:
    'By entering your passcode you confirm your acceptance of the NHS Care Identity Service terms and conditions',
} as const;

/** What each slow step says while it runs. */
export const PROGRESS_WORDING: Readonly<
  Record<Extract<FlowView, { kind: 'busy' }>['step'], string>
> = {
  'reading-card': 'Reading your Smartcard',
  'proving-card': 'Checking your Smartcard with the Smartcard Unlock Service',
  'checking-answers': 'Checking your answers',
  'sending-code': 'Sending your Smartcard Unlock Code',
  'checking-code': 'Checking your Smartcard Unlock Code',
  'unlocking-card': 'Unlocking your Smartcard',
  'checking-passcode': 'Checking your new passcode on your Smartcard',
  registering: 'Registering your security questions',
};

/** The heading of the failure screen for each error code. */
export const FAILURE_TITLES: Readonly<Record<ErrorCode, string>> = {
  CARD_SERVICE_DOWN: 'The smartcard service is not running',
  CARD_SUPPORT_MISSING: 'Smartcard support is missing on this computer',
  READER_MISSING: 'No smartcard reader found',
  READER_CHOICE_NEEDED: 'Choose a smartcard reader',
  CARD_ABSENT: 'No smartcard in the reader',
  CARD_REMOVED: 'Your Smartcard was removed',
  CARD_NOT_PIV: 'This card cannot be unlocked here',
  CARD_NOT_LOCKED: 'Your Smartcard is not locked',
  CARD_LOCKED: 'Your Smartcard is locked',
  PASSCODE_WRONG: 'Your passcode was not accepted',
  PUK_WRONG: 'Your Smartcard cannot be unlocked here',
  PUK_BLOCKED: 'Your Smartcard cannot be unlocked here',
  PASSCODE_REJECTED: 'Your Smartcard did not accept the new passcode',
  CARD_IO: 'Your Smartcard could not be read',
  CARD_NOT_REGISTERED: 'Your Smartcard is not registered',
  CARD_UNKNOWN: 'Your Smartcard is not known to the service',
  SELF_SERVICE_LOCKED: 'Self-service unlock is locked for your Smartcard',
  ANSWERS_WRONG: 'Your answers did not match',
  CODE_WRONG: 'The Smartcard Unlock Code is not right',
  CODE_EXPIRED: 'The Smartcard Unlock Code has expired',
  CODE_TRIES_EXHAUSTED: 'The Smartcard Unlock Code cannot be used any more',
  RESEND_TOO_SOON: 'Please wait before asking for a new code',
  RESEND_LIMIT: 'No more codes can be sent',
  ATTEMPT_EXPIRED: 'This attempt has timed out',
  ATTEMPT_NOT_FOUND: 'This attempt has ended',
  ATTEMPT_STATE: 'This attempt has ended',
  PROOF_INVALID: 'This Smartcard cannot be unlocked here',
  MAIL_UNAVAILABLE: 'The email could not be sent',
  SERVICE_UNAVAILABLE: 'The Smartcard Unlock Service is unavailable',
  PUK_RELEASE_LIMIT: 'Your Smartcard has been unlocked too often today',
  RATE_LIMITED: 'Too many requests',
  VALIDATION_FAILED: 'There is a problem',
  NOT_FOUND: 'This attempt has ended',
  SERVER_UNREACHABLE: 'The Smartcard Unlock Service cannot be reached',
  SERVER_ERROR: 'The Smartcard Unlock Service had a problem',
  TLS_ERROR: 'The connection is not secure',
  SETTINGS_INVALID: 'Smartcard Unlock is not set up correctly',
  BRIDGE_UNAUTHORISED: 'This page is not connected to Smartcard Unlock',
  BRIDGE_ORIGIN_REFUSED: 'A request from another page was refused',
  BRIDGE_HOST_REFUSED: 'Wrong address for Smartcard Unlock',
  INTERNAL: 'Something went wrong',
};
