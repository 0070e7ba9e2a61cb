import type { ErrorDetails } from './errors';
import type { HelpWording } from './help';
import type { DeliveryChannel } from './http-api';
import type { Wording } from './wording';

/**
 * The catalogue in English. Where the service description (the seed) has words for a screen they
 * are used as written; the rest follows its tone.
 */

const SERVICE_NAME = 'Smartcard Unlock';
const DESK = 'the IT service desk';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const tries = (d: ErrorDetails, what: string): string =>
  d.triesLeft === undefined
    ? ''
    : ` You have ${d.triesLeft} ${what} ${d.triesLeft === 1 ? 'try' : 'tries'} left.`;

const callDesk = (w: HelpWording): string => `Call ${w.deskOrVisit}.`;

/** How a code travels, as a sentence names it: "by email", "by text message". */
const BY: Readonly<Record<DeliveryChannel, string>> = { email: 'email', sms: 'text message' };

/** The channels a server sends on, in a sentence: "email or text message". */
const byChannels = (channels: readonly DeliveryChannel[]): string =>
  channels.map((channel) => BY[channel]).join(' or ');

/** An example code in the hint, cut to the length in use: AB3D5F7H for the default 8. */
const EXAMPLE_CODE = 'AB3D5F7HJK2M';

const CHANGE =
  'If your Smartcard is not locked and you know your passcode, you can change it here.';
const FORGOTTEN = 'If you have forgotten your passcode, you can set a new one by';
const WITHOUT_LOCKING = 'without locking your Smartcard first.';
const REMOVE_OR_LOG_IN = 'You can remove your Smartcard, or keep it in and log in as usual.';
const LEADS_TO_PASSCODE =
  'This will take you to a screen where you will be able to set a new passcode for your Smartcard.';
const MAIL_NOT_SENT = 'The email with your code could not be sent just now.';
const MAIL_RETRY = 'Wait a minute and press Resend code. You will not need to start again.';
const NO_MORE_SENDS = 'No more codes can be sent for this attempt.';
const CHECK_AND_UNLOCK = 'They will check who you are and unlock your Smartcard.';
const NOT_ALLOWED_DIGITS = 'Your passcode must use the numbers 0 to 9 only.';
// The card takes printable ASCII only: what a UK keyboard offers beyond it is named, £ included.
const PASSCODE_REFUSES = 'You cannot use spaces, accented letters (such as é) or the £ sign.';
const DIAGNOSTICS_CHECKING = 'Checking the card reader and the Smartcard Unlock Service';
const SERVER_HEADING = 'Smartcard Unlock Service';
const REGISTER_BUTTON = 'Register for Smartcard Unlock';

const REPORT_VERDICTS = {
  unreachable: 'NOT REACHABLE',
  untrusted: 'reachable, but NOT TRUSTED',
  healthy: 'reachable and healthy',
  'database-unavailable': 'reachable, but its DATABASE IS NOT AVAILABLE',
  'not-healthy': 'reachable but NOT HEALTHY',
} as const;

/** The English catalogue: every sentence a person reads, by stable id. */
export const EN: Wording = {
  service: {
    name: SERVICE_NAME,
    centre: 'Smartcard Service Centre',
    logo: 'NHS',
    pageTitle: (title) => (title === SERVICE_NAME ? SERVICE_NAME : `${title} - ${SERVICE_NAME}`),
    loading: `Loading ${SERVICE_NAME}…`,
    version: (version) => ` version ${version}`,
  },

  help: (contacts) => {
    // Unknown contacts name the desk without a number: better none than another trust's.
    if (contacts === null) {
      return {
        sentence: `If you require additional help with the smartcard please contact ${DESK}.`,
        phone: DESK,
        desk: DESK,
        deskOrVisit: DESK,
        deskOrAt: DESK,
      };
    }
    const desk = `${DESK} on ${contacts.phone}`;
    return {
      sentence: `If you require additional help with the smartcard please let us know on ${contacts.phone} or by visiting ${contacts.walkIn}.`,
      phone: contacts.phone,
      desk,
      deskOrVisit: `${desk} or visit ${contacts.walkIn}`,
      deskOrAt: `${desk} or at ${contacts.walkIn}`,
    };
  },

  errors: {
    CARD_SERVICE_DOWN: {
      title: 'The smartcard service is not running',
      message: 'The smartcard service on this computer is not running.',
      nextStep: (w) =>
        `Wait a moment: this screen updates by itself when the service is back. If it does not, restart the computer or call ${w.phone}.`,
    },
    CARD_SUPPORT_MISSING: {
      title: 'Smartcard support is missing on this computer',
      message:
        'Smartcard support is not installed correctly on this computer, so Smartcard Unlock cannot use the card reader.',
      nextStep: (w) =>
        `This will not fix itself. Call ${w.desk} and say that Smartcard Unlock cannot load its smartcard support; the About and diagnostics screen has a report you can copy for them.`,
    },
    READER_MISSING: {
      title: 'No smartcard reader found',
      message: 'No smartcard reader was found.',
      nextStep:
        'Plug in the smartcard reader you normally log in with. This screen updates by itself.',
    },
    READER_CHOICE_NEEDED: {
      title: 'Choose a smartcard reader',
      message: 'More than one smartcard reader has a card in it.',
      nextStep:
        'Choose the reader that holds the card you want to unlock, or remove the other card.',
    },
    CARD_ABSENT: {
      title: 'No smartcard in the reader',
      message: 'There is no smartcard in the reader.',
      nextStep: 'Insert your smartcard into the reader where you normally log in with it.',
    },
    CARD_REMOVED: {
      title: 'Your Smartcard was removed',
      message:
        'Your smartcard was removed, so this attempt has ended safely. Your card has lost no tries.',
      nextStep: 'Insert your smartcard again and press Retry.',
    },
    CARD_NOT_PIV: {
      title: 'This card cannot be unlocked here',
      message: 'The card in the reader is not a smartcard this service can unlock.',
      nextStep: 'Check that you inserted your NHS smartcard the right way round, then try again.',
    },
    CARD_NOT_LOCKED: {
      title: 'Your Smartcard is not locked',
      message: 'Your smartcard is not locked, so it does not need unlocking.',
      nextStep:
        'You can log in with your usual passcode. If you have not registered for the Smartcard Unlock Service yet, you can register now.',
    },
    CARD_LOCKED: {
      title: 'Your Smartcard is locked',
      message: 'Your smartcard is locked after three wrong passcodes.',
      nextStep: 'Use Smartcard Unlock to unlock it and set a new passcode.',
    },
    PASSCODE_WRONG: {
      title: 'Your passcode was not accepted',
      message: (d) => `The passcode is not right.${tries(d, 'passcode')}`,
      nextStep:
        'Check the passcode and try again. If your card locks, you can unlock it here once registered.',
    },
    PUK_WRONG: {
      title: 'Your Smartcard cannot be unlocked here',
      message: 'Your smartcard did not accept the unlock key the service holds for it.',
      nextStep: callDesk,
    },
    PUK_BLOCKED: {
      title: 'Your Smartcard cannot be unlocked here',
      message: 'Your smartcard cannot be unlocked here any more.',
      nextStep: callDesk,
    },
    PASSCODE_REJECTED: {
      title: 'Your Smartcard did not accept the new passcode',
      message: 'Your smartcard did not accept the new passcode.',
      nextStep: (w) =>
        `Choose a different passcode and try again. If it happens again, call ${w.phone}.`,
    },
    CARD_IO: {
      title: 'Your Smartcard could not be read',
      message: 'The smartcard could not be read.',
      nextStep: 'Take the card out, insert it again and press Start.',
    },
    CARD_NOT_REGISTERED: {
      title: 'Your Smartcard is not registered',
      message: 'Your smartcard is not registered for the Smartcard Unlock Service.',
      nextStep: (w) =>
        `To register, insert your card while it is not locked and choose Register. To unlock it now: ${callDesk(w)}`,
    },
    CARD_UNKNOWN: {
      title: 'Your Smartcard is not known to the service',
      message: 'This smartcard is not known to the Smartcard Unlock Service.',
      nextStep: callDesk,
    },
    SELF_SERVICE_LOCKED: {
      title: 'You cannot unlock your Smartcard yourself',
      message:
        'There were too many wrong answers or codes for this Smartcard. To keep it safe, only the IT service desk can unlock it now.',
      nextStep: (w) => `${callDesk(w)} ${CHECK_AND_UNLOCK}`,
    },
    SELF_SERVICE_FROZEN: {
      title: 'Self-service unlock is frozen for your Smartcard',
      message:
        'Someone reported that an unlock of this smartcard was not them, so self-service unlock is frozen for it.',
      nextStep: (w) =>
        `${callDesk(w)} They will check who you are, can unlock your card and can turn self-service unlock back on.`,
    },
    CERTIFICATE_EXPIRED: {
      title: 'Your Smartcard’s certificate has expired',
      message: 'The certificate on this smartcard has expired, so it cannot be used to log in.',
      nextStep: (w) =>
        `Take your Smartcard to your Registration Authority (RA) to have it renewed. It cannot be unlocked or used to log in until then. If you do not know where your RA is, call ${w.desk}.`,
    },
    ANSWERS_WRONG: {
      title: 'Your answers did not match',
      message: (d) =>
        `One or more answers did not match the ones you registered.${tries(d, 'more')}`,
      nextStep: 'Check your answers and try again.',
    },
    CODE_WRONG: {
      title: 'The Smartcard Unlock Code is not right',
      message: (d) => `That Smartcard Unlock Code is not right.${tries(d, 'more')}`,
      nextStep: 'Check the code we sent you and type it again, or ask for a new code.',
    },
    CODE_EXPIRED: {
      title: 'The Smartcard Unlock Code has expired',
      message: 'That Smartcard Unlock Code has expired.',
      nextStep: 'Ask for a new code and use it within 10 minutes.',
    },
    CODE_TRIES_EXHAUSTED: {
      title: 'The Smartcard Unlock Code cannot be used any more',
      message: 'That Smartcard Unlock Code was typed wrongly too many times.',
      nextStep: 'Ask for a new code.',
    },
    RESEND_TOO_SOON: {
      title: 'Please wait before asking for a new code',
      message: (d) =>
        `A new code can be sent ${d.retryAfterSeconds === undefined ? 'shortly' : `in ${d.retryAfterSeconds} seconds`}.`,
      nextStep: 'If the code was sent by email, check your junk folder while you wait.',
    },
    RESEND_LIMIT: {
      title: 'No more codes can be sent',
      message: NO_MORE_SENDS,
      nextStep: (w) => `Start again, or call ${w.phone}.`,
    },
    APPROVAL_LIMIT: {
      title: 'No more references can be given',
      message: 'No more references for the service desk can be given for this attempt.',
      nextStep: (w) => `Start again, or call ${w.phone}.`,
    },
    ATTEMPT_EXPIRED: {
      title: 'This attempt has timed out',
      message: 'This attempt has timed out.',
      nextStep: 'Press Start to begin again.',
    },
    ATTEMPT_NOT_FOUND: {
      title: 'This attempt has ended',
      message: 'This attempt is no longer known to the server.',
      nextStep: 'Press Start to begin again.',
    },
    ATTEMPT_STATE: {
      title: 'This attempt has ended',
      message: 'That step is not possible at this point of the attempt.',
      nextStep: 'Press Start to begin again.',
    },
    PROOF_INVALID: {
      title: 'This Smartcard cannot be unlocked here',
      // Also what a card the server does not know hears: nothing before a verified proof tells
      // whether a card exists (docs/security-model.md), and the desk can look the card up.
      message: 'This Smartcard cannot be unlocked here: the service could not check it.',
      nextStep: callDesk,
    },
    MAIL_UNAVAILABLE: {
      title: 'The email could not be sent',
      message: MAIL_NOT_SENT,
      nextStep: MAIL_RETRY,
    },
    TEXT_UNAVAILABLE: {
      title: 'The text message could not be sent',
      message: 'The text message with your code could not be sent just now.',
      nextStep: MAIL_RETRY,
    },
    NO_CONTACT: {
      title: 'There is nowhere to send your code',
      message:
        'The Smartcard Unlock Service has no email address or mobile number for you that it can send a code to.',
      nextStep: (w) =>
        `${callDesk(w)} They can update your contact details, and set a new passcode for you if you need one.`,
    },
    SERVICE_UNAVAILABLE: {
      title: 'The Smartcard Unlock Service is unavailable',
      // The server's database is down or not answering: a wait, not a bug (that is INTERNAL).
      message: 'The Smartcard Unlock Service is unavailable just now.',
      nextStep: (w) => `Try again in a few minutes. If it goes on, call ${w.deskOrVisit}.`,
    },
    PUK_RELEASE_LIMIT: {
      title: 'Your Smartcard has been unlocked too often today',
      message:
        'This smartcard has been unlocked as many times today as the service allows, so it cannot be unlocked here again today.',
      nextStep: (w) =>
        `You can unlock it here again tomorrow. If you need it unlocked today, call ${w.deskOrVisit}.`,
    },
    RATE_LIMITED: {
      title: 'Too many requests',
      message: 'Too many requests from this computer.',
      nextStep: 'Wait a minute and try again.',
    },
    VALIDATION_FAILED: {
      title: 'There is a problem',
      message: 'Some of the information sent was not valid.',
      nextStep: 'Check what you typed and try again.',
    },
    NOT_FOUND: {
      title: 'This attempt has ended',
      message: 'That was not found.',
      nextStep: 'Press Start to begin again.',
    },
    // The pages of the unlock notice's "This wasn't me" link, read on the holder's phone or PC.
    NOT_ME_LINK_INVALID: {
      title: 'This link does not work',
      message: 'This link is not complete, or it is not one we sent.',
      nextStep: (w) =>
        `Check that you opened the whole link from your unlock notice. If an unlock of your Smartcard was not you, call ${w.deskOrVisit} straight away.`,
    },
    NOT_ME_LINK_EXPIRED: {
      title: 'This link has expired',
      message: 'The link in your unlock notice has expired, so it cannot be used any more.',
      nextStep: (w) =>
        `If an unlock of your Smartcard was not you, call ${w.deskOrVisit} straight away.`,
    },
    NOT_ME_ALREADY_REPORTED: {
      title: 'This unlock has already been reported',
      message:
        'This unlock has already been reported as not you, so self-service unlock is frozen for your smartcard.',
      nextStep: (w) => `Call ${w.deskOrVisit} if you have not done so already.`,
    },
    SERVER_UNREACHABLE: {
      title: 'The Smartcard Unlock Service cannot be reached',
      message: 'The Smartcard Unlock Service cannot be reached.',
      nextStep: 'Check that this computer is connected to the network, then press Retry.',
    },
    SERVER_ERROR: {
      title: 'The Smartcard Unlock Service had a problem',
      message: 'The Smartcard Unlock Service had a problem.',
      nextStep: (w) => `Press Retry in a minute. If it keeps happening, call ${w.phone}.`,
    },
    TLS_ERROR: {
      title: 'The connection is not secure',
      message: 'The connection to the Smartcard Unlock Service is not secure, so it was stopped.',
      nextStep: callDesk,
    },
    SETTINGS_INVALID: {
      title: 'Smartcard Unlock is not set up correctly',
      message: 'Smartcard Unlock is not set up correctly on this computer.',
      nextStep: (w) => `Call ${w.phone} and read out the setting named on this screen.`,
    },
    BRIDGE_UNAUTHORISED: {
      title: 'This page is not connected to Smartcard Unlock',
      message:
        'This page is not connected to Smartcard Unlock: its one-run key is missing or out of date.',
      nextStep:
        'Open the address Smartcard Unlock printed when it started (it ends with #token=), in a browser on this computer.',
    },
    BRIDGE_ORIGIN_REFUSED: {
      title: 'A request from another page was refused',
      message: 'Smartcard Unlock refused a request that came from another web page.',
      nextStep:
        'Use Smartcard Unlock only from the address it printed when it started. If you did not open another page, close it.',
    },
    BRIDGE_HOST_REFUSED: {
      title: 'Wrong address for Smartcard Unlock',
      message: 'Smartcard Unlock does not answer at the address this page used.',
      nextStep:
        'Open the address Smartcard Unlock printed when it started: it begins with http://127.0.0.1:',
    },
    INTERNAL: {
      title: 'Something went wrong',
      message: 'Something went wrong in Smartcard Unlock.',
      nextStep: (w) =>
        `Close Smartcard Unlock and open it again. If it keeps happening, call ${w.phone}.`,
    },
  },

  common: {
    next: 'Next',
    cancel: 'Cancel',
    getHelp: 'Get help',
    errorSummaryTitle: 'There is a problem',
    skipLink: 'Skip to main content',
    errorPrefix: 'Error: ',
    importantPrefix: 'Important: ',
    informationPrefix: 'Information: ',
    show: (field) => `Show ${field.toLowerCase()}`,
    hide: (field) => `Hide ${field.toLowerCase()}`,
    showButton: 'Show',
    hideButton: 'Hide',
    passcodeFieldName: 'passcode',
    passcodeVisible: 'Your passcode is visible',
  },

  start: {
    intro: {
      'questions-and-code':
        'Here you can unlock your Smartcard and set a new passcode. You need to have registered for the Smartcard Unlock Service to be able to do this.',
      'code-only':
        'Here you can unlock your Smartcard and set a new passcode. You do not need to register first: we send a code to the contact details on your Smartcard record.',
    },
    stepsLead: (count) => `Complete these ${count} simple steps to unlock your Smartcard.`,
    answersStep: 'Answer security questions you set during registration.',
    // The seed's words where it applies: registered holders, codes by email only.
    codeStep: (model, channels) =>
      model === 'questions-and-code' && channels.every((channel) => channel === 'email')
        ? 'Enter the Unlock Code that we will send you via registered email.'
        : `Enter the Unlock Code that we will send you by ${byChannels(channels)}.`,
    passcodeStep: 'Reset your Smartcard passcode.',
    duration: (channels) => {
      const email = channels.includes('email');
      const phone = channels.includes('sms');
      const have = [
        phone ? 'your mobile phone with you' : null,
        email ? 'access to your email account' : null,
      ].filter((part) => part !== null);
      return `These steps should take no longer than 5 minutes to complete. Please make sure you have ${have.join(', or ')}.`;
    },
    instruction:
      'To start the process, insert your Smartcard into the Smartcard reader and press the Start button below',
    startButton: 'Start',
    notRegisteredHeading: 'Not registered yet?',
    notRegistered:
      'If your Smartcard is not locked, you can register for the Smartcard Unlock Service now, so that you can unlock it yourself if it ever locks.',
    registerButton: REGISTER_BUTTON,
    changeHeading: 'Want a new passcode?',
    change: {
      'questions-and-code': `${CHANGE} You do not need to be registered.`,
      'code-only': CHANGE,
    },
    changeButton: 'Change your passcode',
  },

  reader: {
    heading: 'Smartcard reader',
    checking: 'Checking the Smartcard reader…',
    noCard: 'There is no Smartcard in the reader.',
    removed: 'Your Smartcard was taken out of the reader.',
    noCardNext: 'Insert your Smartcard.',
    cardPresent: (reader) =>
      `Your Smartcard is in the reader${reader === null ? '' : ` (${reader})`}.`,
    cardPresentNext: 'Press Start when you are ready.',
    chooseLegend: 'Which reader holds your Smartcard?',
    readerLabel: (reader, hasCard) => `${reader}${hasCard ? ' (card inserted)' : ' (empty)'}`,
    useReader: 'Use this reader',
  },

  holder: {
    heading: 'Check this is your Smartcard',
    warning: (holderName) => [
      'You are attempting to unlock a Smartcard issued to ',
      holderName,
      '. If this is not you please do not proceed. To do so will result in disciplinary action.',
    ],
    sendHeading: 'Get your Smartcard Unlock Code',
    willSend: (channel, maskedAddress) => [
      `We will send a Smartcard Unlock Code by ${BY[channel]} to `,
      maskedAddress,
      '.',
    ],
    confirm: 'This is my Smartcard, send the code',
    notMine: 'This is not my Smartcard',
  },

  reinsert: {
    heading: 'Insert your Smartcard again',
    kept: 'Your Smartcard was taken out of the reader. What you have done so far is kept for a few minutes, so you do not need to do it again.',
    sameCard:
      'Put the same Smartcard back in the reader and press Continue. If you put in a different Smartcard, you will start again with that card.',
    waiting: 'There is no Smartcard in the reader yet.',
    cardBack: 'There is a Smartcard in the reader. Press Continue when you are ready.',
    continueButton: 'Continue',
  },

  questions: {
    heading: 'Security Questions',
    lead: 'To confirm your identity please answer the following security questions. These are questions that you provided when you registered for the Smartcard Unlock Service.',
    questionName: (n) => `question ${n}`,
    answerEmpty: (question) => `Enter your answer to ${question}`,
    answerTooLong: (question, max) =>
      `Your answer to ${question} must be ${max} characters or fewer`,
    triesLeft: (n) => ` You have ${plural(n, 'try', 'tries')} left.`,
  },

  registerQuestions: {
    heading: 'Choose your security questions',
    alreadyRegisteredHeading: 'You are already registered',
    alreadyRegistered:
      'Registering again replaces your security questions and answers. Your old answers stop working once you confirm your email address with the code we send. To keep them, press Cancel.',
    lead: (holderName, n) =>
      `${holderName}, choose ${n} different security ${n === 1 ? 'question' : 'questions'} and answer them. You will be asked these questions when you unlock your Smartcard, so choose answers you will remember.`,
    sendTo: (maskedEmail) => [
      'We will then send a code to your registered email address, ',
      maskedEmail,
      ', to confirm it.',
    ],
    legend: (n) => `Security question ${n}`,
    questionName: (n) => `security question ${n}`,
    questionLabel: 'Question',
    choose: 'Choose a question',
    answerLabel: 'Your answer',
    choiceEmpty: (n) => `Choose security question ${n}`,
    choiceRepeated: (n) => `Choose a different question for security question ${n}`,
  },

  channel: {
    heading: 'Where should we send your Smartcard Unlock Code?',
    hint: 'We will send the code to the one you choose. If it does not arrive, you can ask for it to be sent the other way.',
    option: ({ channel, maskedAddress }) =>
      `${channel === 'sms' ? 'Text message' : 'Email'} to ${maskedAddress}`,
    empty: 'Choose where to send your Smartcard Unlock Code',
    button: 'Continue',
    notSentNext:
      'Choose the other way, or wait a minute and choose the same way again. You will not need to start again.',
  },

  code: {
    heading: 'Smartcard Unlock Code',
    sentBy: (channel, maskedAddress) => [
      `We have sent a Smartcard Unlock Code by ${BY[channel]} to `,
      maskedAddress,
      '.',
    ],
    lead: `Once you receive the code, enter it below and press the Next button. ${LEADS_TO_PASSCODE}`,
    leadsToPasscode: LEADS_TO_PASSCODE,
    registerHeading: 'Confirm your email address',
    registerLead:
      'To confirm your email address, we have sent a code to it. Once you receive the code, enter it below and press the Next button to finish registering.',
    sentTo: (maskedEmail) => ['We sent the code to ', maskedEmail, '.'],
    junk: 'If the email is not in your inbox, please check your junk folder.',
    delayed: {
      email:
        'The email service is slow just now, so it may take a few minutes for the email to arrive. If it has not arrived by the time you can ask for a new code, press Resend code.',
      sms: 'The text message service is slow just now, so it may take a few minutes for the text message to arrive. If it has not arrived by the time you can ask for a new code, press Resend code.',
    },
    registerLabel: 'Code from the email',
    hint: (length) =>
      `The code is ${length} letters and numbers, for example ${EXAMPLE_CODE.slice(0, length)}.`,
    empty: 'Enter your Smartcard Unlock Code',
    malformed: (length, channel) =>
      `A Smartcard Unlock Code is ${length} letters and numbers. Check the code in the ${BY[channel]}.`,
    notReceived: { email: 'Not received the email?', sms: 'Not received the text message?' },
    otherWay: (channel) => `Send the code by ${BY[channel]} instead`,
    resendIn: (seconds) => `You can ask for a new code in ${plural(seconds, 'second', 'seconds')}.`,
    resendNow: 'You can ask for a new code now.',
    resendNowAnnounced: 'You can now ask for a new code.',
    sendsLeft: (n) => `You can ask for ${plural(n, 'more code', 'more codes')}.`,
    noMoreSends: NO_MORE_SENDS,
    resendButton: 'Resend code',
    spentNext:
      'You need a new code. Press Resend code when it becomes available below, then type the new code.',
    spentNoSends: (desk) =>
      `${NO_MORE_SENDS} Press Start again to begin a new attempt with a new code, or call ${desk}.`,
  },

  passcode: {
    heading: 'Set a new passcode',
    reuse:
      'If you remember your existing passcode and your card was just locked, you can use the same passcode you used before. Otherwise, choose a new one.',
    newLabel: 'New passcode',
    confirmLabel: 'Confirm new passcode',
    confirmHint: 'Please confirm your passcode by filling both boxes, then press Confirm.',
    confirmButton: 'Confirm',
    policy: ({ minLength, maxLength, digitsOnly }) =>
      digitsOnly
        ? `Your passcode must be ${minLength} to ${maxLength} numbers long, using the numbers 0 to 9 only.`
        : `Your passcode must be ${minLength} to ${maxLength} characters long. You can use letters, numbers and special characters, or a mixture of them. ${PASSCODE_REFUSES}`,
    problem: (problem, policy) => {
      switch (problem) {
        case 'empty':
          return 'Enter a new passcode.';
        case 'too-short':
          return `Your passcode must be at least ${policy.minLength} characters long.`;
        case 'too-long':
          return `Your passcode must be no more than ${policy.maxLength} characters long.`;
        case 'not-allowed-character':
          return policy.digitsOnly
            ? NOT_ALLOWED_DIGITS
            : 'Your passcode can only use letters A to Z, numbers and special characters such as ! # or @, not spaces, accented letters or £.';
        case 'digits-only':
          return NOT_ALLOWED_DIGITS;
        case 'confirmation-empty':
          return 'Enter your new passcode again to confirm it.';
        case 'mismatch':
          return 'The two passcodes are not the same. Type the same passcode in both boxes.';
      }
    },
  },

  change: {
    heading: 'Change your passcode',
    intro:
      'Keep your Smartcard in the reader. Enter the passcode you use now, then choose a new one and type it twice.',
    currentLabel: 'Current passcode',
    currentEmpty: 'Enter your current passcode.',
    confirmHint:
      'Please confirm your new passcode by filling both boxes, then press Change passcode.',
    button: 'Change passcode',
    lastTryConfirm:
      'I am sure of my current passcode. I understand that my Smartcard will be locked if it is wrong.',
    lastTryRequired:
      'Confirm that you are sure of your current passcode, or use the forgotten passcode route instead.',
  },

  rescue: {
    heading: 'Your Smartcard has 1 passcode try left',
    body: 'If you enter a wrong passcode again, your Smartcard will be locked. If you are not sure of your passcode, do not try it.',
    forgotten: {
      'questions-and-code': `${FORGOTTEN} answering your security questions and entering a Smartcard Unlock Code, ${WITHOUT_LOCKING}`,
      'code-only': `${FORGOTTEN} entering a Smartcard Unlock Code that we send you, ${WITHOUT_LOCKING}`,
    },
    forgottenButton: 'I have forgotten my passcode',
    desk: (deskOrAt) =>
      `If you have forgotten your passcode, do not guess: contact ${deskOrAt} to set a new one.`,
  },

  login: {
    heading: 'Log in with Smartcard',
    intro:
      'To register for the Smartcard Unlock Service, keep your Smartcard in the reader and log in with your passcode. Your card must not be locked.',
    label: 'Enter your passcode',
    terms:
      'By entering your passcode you confirm your acceptance of the NHS Care Identity Service terms and conditions',
    empty: 'Enter your passcode',
    button: 'Log in',
  },

  done: {
    unlock: {
      title: 'Your Smartcard is unlocked',
      body: (holderName) => `${holderName}, your Smartcard now works with your new passcode.`,
      next: `We have sent you a notice that your Smartcard was unlocked. ${REMOVE_OR_LOG_IN}`,
    },
    register: {
      title: 'You are registered for Smartcard Unlock',
      body: (holderName) => `${holderName}, your security questions and email address are saved.`,
      next: 'If your Smartcard is ever locked after three wrong passcodes, you can unlock it yourself here by answering your security questions.',
    },
    forgotten: {
      title: 'Your new passcode is set',
      body: (holderName) => `${holderName}, your Smartcard now works with your new passcode.`,
      next: `We have sent you a notice that your passcode was reset. ${REMOVE_OR_LOG_IN}`,
    },
    change: {
      title: 'Your passcode is changed',
      body: () => 'Your Smartcard now works with your new passcode.',
      next: 'You can remove your Smartcard, or keep it in and log in as usual with your new passcode.',
    },
    finish: 'Finish',
  },

  approval: {
    offerHeading: 'Ask the service desk instead',
    offer:
      'If you cannot do this step, the IT service desk can check who you are over the phone and approve this unlock. You will then set a new passcode here.',
    lockedOffer:
      'While you are on the phone to them, the service desk can approve this unlock here, so you can set a new passcode without going to them.',
    askButton: 'Ask the service desk to approve this unlock',
    heading: 'Ask the service desk to approve your unlock',
    call: (phone) => [`Call ${DESK} on `, phone, ' and read them this reference.'],
    callWithoutNumber: `Call ${DESK} and read them this reference.`,
    referenceLabel: 'Your reference',
    spelled: (reference) =>
      reference
        .split('-')
        .map((group) => group.split('').join(' '))
        .join(', '),
    validUntil: (time) => `The reference works until ${time}.`,
    deskChecks:
      'The service desk will check who you are. When they approve your unlock, this screen moves on by itself so that you can set a new passcode.',
    keepCard: 'Keep your Smartcard in the reader.',
    waiting: 'Waiting for the service desk to approve your unlock.',
    expiredHeading: 'Your reference has expired',
    expired: (reference) => ['The reference ', reference, ' can no longer be approved.'],
    expiredNext: 'Get a new reference and read it to the service desk.',
    newButton: 'Get a new reference',
    noMore: (desk) =>
      `No more references can be given for this attempt. Press Start again, or call ${desk}.`,
  },

  progress: {
    steps: {
      'reading-card': 'Reading your Smartcard',
      'proving-card': 'Checking your Smartcard with the Smartcard Unlock Service',
      'checking-answers': 'Checking your answers',
      'sending-code': 'Sending your Smartcard Unlock Code',
      'checking-code': 'Checking your Smartcard Unlock Code',
      'unlocking-card': 'Unlocking your Smartcard',
      'checking-passcode': 'Checking your new passcode on your Smartcard',
      registering: 'Registering your security questions',
      'changing-passcode': 'Changing your passcode on your Smartcard',
      'asking-desk': 'Getting a reference for the service desk',
    },
    pleaseWait: 'Please wait. Do not remove your Smartcard.',
  },

  failure: {
    whatNext: 'What to do next',
    retry: 'Retry',
    startAgain: 'Start again',
    howToRegister: 'How to register',
    registerSteps: (deskOrAt) => [
      `Get your Smartcard unlocked by ${deskOrAt}.`,
      `Insert your unlocked Smartcard and choose ${REGISTER_BUTTON}.`,
      'Log in with your passcode, choose and answer your security questions.',
      'Confirm your email address with the code we send you.',
    ],
    registerAfter: 'Next time your Smartcard locks, you can unlock it yourself here.',
    notLockedCodeOnly: 'You can log in with your usual passcode.',
    callDesk: (phone) => [`Call ${DESK} on `, phone, '.'],
    callDeskWithoutNumber: `Call ${DESK}.`,
    lockedThen: (walkIn) =>
      walkIn === null ? CHECK_AND_UNLOCK : `${CHECK_AND_UNLOCK} You can also visit ${walkIn}.`,
    finish: 'Finish',
    errorCode: (code) => ['If you call the service desk, tell them this error code: ', code, ''],
    settingHeading: 'The setting at fault',
    settingProblem: (setting, source, fix) => [
      'The setting ',
      setting,
      ` in ${source} is not valid. ${fix}`,
    ],
  },

  bridgeLost: {
    message: 'The connection to Smartcard Unlock was lost.',
    nextStep: 'Reload the page. If it keeps happening, close Smartcard Unlock and open it again.',
  },

  bridgeConnect: {
    heading: 'Open Smartcard Unlock from its own address',
    lead: 'This address is missing the key that connects this page to Smartcard Unlock. A new tab, a bookmark or a typed address does not carry the key.',
    steps: [
      'Go to the window where you started Smartcard Unlock (npm start). It printed an address that ends with #token= and a key.',
      'Open that whole address in a browser on this computer, or press it again if the window shows it as a link.',
      'The key changes each time Smartcard Unlock starts: after a restart, use the new address it printed.',
    ],
  },

  diagnostics: {
    title: 'About and diagnostics',
    back: 'Back',
    intro: (desk) =>
      `If you call ${desk}, they may ask you to read this page out, or to copy the report into an email. It contains no passcode, PUK, security answer or Smartcard Unlock Code.`,
    collecting: `${DIAGNOSTICS_CHECKING}. This can take a few seconds.`,
    collectingLabel: DIAGNOSTICS_CHECKING,
    ready: 'The report is ready.',
    failedHeading: 'The report could not be made',
    tryAgain: 'Try again',
    checkAgain: 'Check again',
    backTo: (name) => `Back to ${name}`,
    forDesk: '(for the IT service desk)',
    panel: {
      app: 'App',
      version: 'Version',
      computer: 'Computer',
      runtime: 'Runtime',
      made: 'Report made',
      settings: 'Settings',
      problem: 'Problem',
      settingsCaption: 'The settings in force, and where each one came from',
      setting: 'Setting',
      value: 'Value',
      setBy: 'Set by',
      cardReader: 'Card reader',
      cardService: 'Smart card service',
      running: 'Running',
      notRunning: 'Not running',
      readerType: 'Reader type',
      mockReader: 'Mock reader (virtual card, for testing)',
      pcscReaders: 'PC/SC card readers',
      readers: 'Readers',
      none: 'None',
      noReaders: 'No card reader is connected.',
      server: SERVER_HEADING,
      serverNotChecked: 'Not checked: the settings are not valid.',
      address: 'Address',
      reachable: 'Reachable',
      yes: 'Yes',
      no: 'No',
      healthCheck: 'Health check',
      verdicts: {
        untrusted: 'Unknown',
        healthy: 'Healthy',
        'database-unavailable': 'Database unavailable',
        'not-healthy': 'Not healthy',
      },
      certificate: 'Certificate',
      issuedBy: (subject, issuer) => `${subject}, issued by ${issuer}`,
      certificateValid: 'Certificate valid',
      validity: (from, to) => `${from} to ${to}`,
      fingerprint: 'SHA-256 fingerprint',
      trusted: 'Trusted by this computer',
      unknownReason: 'unknown reason',
      copy: 'Copy report',
      copied: 'Copied. Paste it into your email or ticket for the service desk.',
      copyFailed: 'Copying did not work. The report is shown as text below: select it and copy it.',
      showText: 'Show the report as text',
      textLabel: 'Report text',
    },
    report: {
      card: (card) => {
        switch (card.kind) {
          case 'piv': {
            const lock =
              card.locked === null
                ? 'lock state unknown'
                : card.locked
                  ? 'LOCKED'
                  : `not locked, ${card.passcodeTriesLeft ?? '?'} passcode tries left`;
            return `PIV card ${card.cardId ?? '(identifier unreadable)'}, ${lock}`;
          }
          case 'not-piv':
            return 'a card without the PIV application (not a staff smartcard)';
          case 'unreadable':
            return `a card that cannot be read: ${card.problem}`;
          case 'in-use':
            return 'in use by the unlock or registration in progress (not read, so as not to disturb it)';
        }
      },
      readerCard: (card) => (card === null ? 'no card' : `card present: ${card}`),
      atr: (atr) => ` (ATR ${atr})`,
      cardServiceKind: (mock) => (mock ? 'mock reader (virtual card)' : 'PC/SC'),
      cardServiceDown: (kind, problem) => `Card service (${kind}): NOT RUNNING: ${problem}`,
      cardServiceRunning: (kind, readers) =>
        `Card service (${kind}): running, ${readers} reader(s)`,
      noAnswer: 'no answer',
      httpStatus: (status) => `HTTP ${status}`,
      untrusted:
        'its certificate is not trusted by this computer, so its answer was not believed and its health is unknown',
      healthy: (status, ms) => `HTTP ${status}, ${ms} ms`,
      databaseUnavailable: (status) =>
        `HTTP ${status} SERVICE_UNAVAILABLE: the server runs but its database does not answer, so no card can be unlocked until it is back`,
      noUsableAnswer: 'no usable answer',
      serverNotChecked: 'Server: not checked (the settings are not valid)',
      server: (url, verdict, detail) =>
        `Server ${url}: ${REPORT_VERDICTS[verdict]}${verdict === 'unreachable' ? `: ${detail}` : ` (${detail})`}`,
      title: 'Smartcard Unlock diagnostics',
      generated: (at) => `Generated: ${at}`,
      app: (version, platform, arch, runtime) =>
        `App version: ${version} (${platform} ${arch}, ${runtime})`,
      settings: 'Settings:',
      settingProblem: (setting, source, fix) => `PROBLEM with ${setting} in ${source}: ${fix}`,
      settingValue: (name, value, source) => `${name} = ${value}  (from ${source})`,
      certificate: (subject, issuer) => `Certificate: ${subject}, issued by ${issuer}`,
      validity: (from, to) => `Valid ${from} to ${to}`,
      fingerprint: (fingerprint) => `SHA-256 ${fingerprint}`,
      trusted: (trusted, problem) =>
        `Trusted by this workstation: ${trusted ? 'yes' : `NO (${problem ?? 'unknown'})`}`,
    },
  },

  devPanel: {
    heading: 'Development: virtual card',
    lead: 'Mock reader mode: these buttons act on the virtual card instead of a real reader.',
    insert: 'Insert card',
    remove: 'Remove card',
    lock: 'Lock card',
    done: {
      insert: 'The virtual card is in the reader.',
      remove: 'The virtual card is out of the reader.',
      lock: 'The virtual card is locked: three wrong passcodes were typed on it.',
    },
    failed: (button, message) => `${button} did not work. ${message}`,
  },
};
