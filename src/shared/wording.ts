import type { CardReport, ServerVerdict } from './diagnostics-report';
import type { ErrorCode, ErrorDetails } from './errors';
import type { HelpContacts, HelpWording } from './help';
import type { Contact, DeliveryChannel, VerificationModel } from './http-api';
import type { ProgressStep } from './ipc-contract';
import type { ConfirmationProblem, PasscodePolicy, PasscodeProblem } from './passcode-policy';
import { EN } from './wording-en';

/**
 * Every sentence a person reads (screens, error messages and next steps, the diagnostics report),
 * keyed by stable ids. `Wording` is the set of keys; each language is one file implementing it
 * (`wording-en.ts`), listed in LANGUAGES. Names, addresses, limits and counts are arguments.
 */

/** Text with one part emphasised (a name, an address, a number): before, emphasised, after. */
export type Emphasised = readonly [before: string, emphasised: string, after: string];

/** What a person reads about one error code. */
interface ErrorWording {
  /** The failure screen's heading. */
  readonly title: string;
  readonly message: string | ((details: ErrorDetails) => string);
  /** A function where it names the desk: each trust words it with its own help contacts. */
  readonly nextStep: string | ((help: HelpWording) => string);
}

/** The catalogue's shape: a second language is one more value of this type. */
export interface Wording {
  readonly service: {
    /** The product's name, as the seed's heading has it; window titles end with it. */
    readonly name: string;
    /** The seed's site name: the header of every screen and the signature of every email. */
    readonly centre: string;
    /** The NHS logo's text alternative in the header. */
    readonly logo: string;
    /** A step's window title. */
    readonly pageTitle: (stepTitle: string) => string;
    readonly loading: string;
    readonly version: (version: string) => string;
  };
  /** The phrases that name the desk; `null` contacts name it without a number. */
  readonly help: (contacts: HelpContacts | null) => HelpWording;
  readonly errors: Readonly<Record<ErrorCode, ErrorWording>>;
  readonly common: {
    readonly next: string;
    readonly cancel: string;
    readonly getHelp: string;
    readonly errorSummaryTitle: string;
    /** The first link of every screen, to the step past the header. */
    readonly skipLink: string;
    /** Visually hidden prefixes of the design system's components. */
    readonly errorPrefix: string;
    readonly importantPrefix: string;
    readonly informationPrefix: string;
    readonly show: (fieldName: string) => string;
    readonly hide: (fieldName: string) => string;
    readonly showButton: string;
    readonly hideButton: string;
    /** A passcode box's name when its label is not plain text. */
    readonly passcodeFieldName: string;
    readonly passcodeVisible: string;
  };
  /** The start screen, worded for the server's verification model and the channels it sends on. */
  readonly start: {
    readonly intro: Readonly<Record<VerificationModel, string>>;
    readonly stepsLead: (count: number) => string;
    /** The unlock's steps as the start screen lists them: questions (if asked), code, passcode. */
    readonly answersStep: string;
    readonly codeStep: (model: VerificationModel, channels: readonly DeliveryChannel[]) => string;
    readonly passcodeStep: string;
    readonly duration: (channels: readonly DeliveryChannel[]) => string;
    readonly instruction: string;
    readonly startButton: string;
    readonly notRegisteredHeading: string;
    readonly notRegistered: string;
    readonly registerButton: string;
    /** The change of passcode, offered for a card that is not locked. */
    readonly changeHeading: string;
    readonly change: Readonly<Record<VerificationModel, string>>;
    readonly changeButton: string;
  };
  readonly reader: {
    readonly heading: string;
    readonly checking: string;
    readonly noCard: string;
    /** Announced on any screen when the card is taken out. */
    readonly removed: string;
    readonly noCardNext: string;
    readonly cardPresent: (readerName: string | null) => string;
    readonly cardPresentNext: string;
    readonly chooseLegend: string;
    readonly readerLabel: (readerName: string, hasCard: boolean) => string;
    readonly useReader: string;
  };
  /** The seed's warning naming the holder; its callout's heading is `heading`. */
  readonly holder: {
    readonly heading: string;
    readonly warning: (holderName: string) => Emphasised;
    /** One contact and no questions: the page that says where the code will go, before it goes. */
    readonly sendHeading: string;
    readonly willSend: (channel: DeliveryChannel, maskedAddress: string) => Emphasised;
    readonly confirm: string;
    readonly notMine: string;
  };
  /** The card was taken out where the attempt can wait: the same card and Continue resume it. */
  readonly reinsert: {
    readonly heading: string;
    readonly kept: string;
    readonly sameCard: string;
    /** What the screen says of the reader: no card yet, or a card to go on with. */
    readonly waiting: string;
    readonly cardBack: string;
    readonly continueButton: string;
  };
  readonly questions: {
    readonly heading: string;
    readonly lead: string;
    /** How a question is named in its problems: "question 1". */
    readonly questionName: (number: number) => string;
    readonly answerEmpty: (questionName: string) => string;
    readonly answerTooLong: (questionName: string, maxLength: number) => string;
    /** Added to a wrong-answers error that does not say the tries left itself. */
    readonly triesLeft: (triesLeft: number) => string;
  };
  readonly registerQuestions: {
    readonly heading: string;
    /** Before the questions of a holder registered already: their answers will be replaced. */
    readonly alreadyRegisteredHeading: string;
    readonly alreadyRegistered: string;
    readonly lead: (holderName: string, questionsRequired: number) => string;
    readonly sendTo: (maskedEmail: string) => Emphasised;
    readonly legend: (number: number) => string;
    /** How a question is named in its answer's problems: "security question 1". */
    readonly questionName: (number: number) => string;
    readonly questionLabel: string;
    readonly choose: string;
    readonly answerLabel: string;
    readonly choiceEmpty: (number: number) => string;
    readonly choiceRepeated: (number: number) => string;
  };
  /** Where the holder's code goes, when they have two contacts. */
  readonly channel: {
    readonly heading: string;
    readonly hint: string;
    /** A radio's label: the channel and the masked address. */
    readonly option: (contact: Contact) => string;
    readonly empty: string;
    readonly button: string;
    /** A failed send's next step on this screen, which offers no Resend button. */
    readonly notSentNext: string;
  };
  readonly code: {
    readonly heading: string;
    /** Where the unlock code went: the channel, and the masked address emphasised. */
    readonly sentBy: (channel: DeliveryChannel, maskedAddress: string) => Emphasised;
    readonly lead: string;
    /** The lead's last sentence, which the unlock code's email repeats. */
    readonly leadsToPasscode: string;
    readonly registerHeading: string;
    readonly registerLead: string;
    readonly sentTo: (maskedEmail: string) => Emphasised;
    /** Said for a code sent by email only. */
    readonly junk: string;
    readonly delayed: Readonly<Record<DeliveryChannel, string>>;
    readonly registerLabel: string;
    readonly hint: (codeLength: number) => string;
    readonly empty: string;
    readonly malformed: (codeLength: number, channel: DeliveryChannel) => string;
    readonly notReceived: Readonly<Record<DeliveryChannel, string>>;
    /** The button that sends the code by the holder's other channel. */
    readonly otherWay: (channel: DeliveryChannel) => string;
    readonly resendIn: (seconds: number) => string;
    readonly resendNow: string;
    readonly resendNowAnnounced: string;
    readonly sendsLeft: (sendsLeft: number) => string;
    readonly noMoreSends: string;
    readonly resendButton: string;
    /** A code typed wrongly too often: what to do, with sends left or without (`desk` names it). */
    readonly spentNext: string;
    readonly spentNoSends: (desk: string) => string;
  };
  /** The assisted unlock: a reference the holder reads aloud, and the desk approves (ADR 0025). */
  readonly approval: {
    /** Offered under the questions, the choice of channel and the code, and when locked out. */
    readonly offerHeading: string;
    readonly offer: string;
    readonly lockedOffer: string;
    readonly askButton: string;
    readonly heading: string;
    readonly call: (phone: string) => Emphasised;
    readonly callWithoutNumber: string;
    readonly referenceLabel: string;
    /** The reference one symbol at a time, for screen readers ("4 K F, 9 2 Q"). */
    readonly spelled: (reference: string) => string;
    readonly validUntil: (time: string) => string;
    readonly deskChecks: string;
    readonly keepCard: string;
    /** The visible waiting status, said politely to screen readers. */
    readonly waiting: string;
    readonly expiredHeading: string;
    readonly expired: (reference: string) => Emphasised;
    readonly expiredNext: string;
    readonly newButton: string;
    readonly noMore: (desk: string) => string;
  };
  readonly passcode: {
    readonly heading: string;
    readonly reuse: string;
    readonly newLabel: string;
    readonly confirmLabel: string;
    readonly confirmHint: string;
    readonly confirmButton: string;
    /** The policy as the first box's hint. */
    readonly policy: (policy: PasscodePolicy) => string;
    readonly problem: (
      problem: PasscodeProblem | ConfirmationProblem,
      policy: PasscodePolicy,
    ) => string;
  };
  /** The change of passcode: the current passcode, then the new one twice (card only). */
  readonly change: {
    readonly heading: string;
    readonly intro: string;
    readonly currentLabel: string;
    readonly currentEmpty: string;
    readonly confirmHint: string;
    readonly button: string;
    /** The holder's consent to spend the card's last try. */
    readonly lastTryConfirm: string;
    readonly lastTryRequired: string;
  };
  /** One passcode try left: said before any guess, with the way round it. */
  readonly rescue: {
    readonly heading: string;
    readonly body: string;
    readonly forgotten: Readonly<Record<VerificationModel, string>>;
    readonly forgottenButton: string;
    /** Before the forgotten-passcode route exists: the desk (`HelpWording.deskOrAt`). */
    readonly desk: (deskOrAt: string) => string;
  };
  readonly login: {
    readonly heading: string;
    readonly intro: string;
    readonly label: string;
    readonly terms: string;
    readonly empty: string;
    readonly button: string;
  };
  readonly done: Readonly<
    Record<
      'unlock' | 'register' | 'change' | 'forgotten',
      {
        readonly title: string;
        readonly body: (holderName: string) => string;
        readonly next: string;
      }
    >
  > & { readonly finish: string };
  readonly progress: {
    /** What each slow step says while it runs. */
    readonly steps: Readonly<Record<ProgressStep, string>>;
    readonly pleaseWait: string;
  };
  readonly failure: {
    readonly whatNext: string;
    readonly retry: string;
    readonly startAgain: string;
    readonly howToRegister: string;
    readonly registerSteps: (deskOrAt: string) => readonly string[];
    readonly registerAfter: string;
    /** A card that is not locked, under the code-only model (nothing to register). */
    readonly notLockedCodeOnly: string;
    readonly callDesk: (phone: string) => Emphasised;
    readonly callDeskWithoutNumber: string;
    /** Self-service locked: what the desk does, then the walk-in (null: not known). */
    readonly lockedThen: (walkIn: string | null) => string;
    /** The one button where starting again cannot help: back to the start screen. */
    readonly finish: string;
    readonly errorCode: (code: string) => Emphasised;
    readonly settingHeading: string;
    /** The bad setting, where it was set and its fix: the same on both screens that show it. */
    readonly settingProblem: (setting: string, source: string, fix: string) => Emphasised;
  };
  /** The browser bridge's own error when the page loses the app (browser mode only). */
  readonly bridgeLost: { readonly message: string; readonly nextStep: string };
  /** Browser mode's page for its address without the token (a new tab, a bookmark). */
  readonly bridgeConnect: {
    readonly heading: string;
    readonly lead: string;
    readonly steps: readonly string[];
  };
  readonly diagnostics: {
    readonly title: string;
    readonly back: string;
    readonly intro: (desk: string) => string;
    readonly collecting: string;
    readonly collectingLabel: string;
    readonly ready: string;
    readonly failedHeading: string;
    readonly tryAgain: string;
    readonly checkAgain: string;
    readonly backTo: (serviceName: string) => string;
    readonly forDesk: string;
    readonly panel: {
      readonly app: string;
      readonly version: string;
      readonly computer: string;
      readonly runtime: string;
      readonly made: string;
      readonly settings: string;
      readonly problem: string;
      readonly settingsCaption: string;
      readonly setting: string;
      readonly value: string;
      readonly setBy: string;
      readonly cardReader: string;
      readonly cardService: string;
      readonly running: string;
      readonly notRunning: string;
      readonly readerType: string;
      readonly mockReader: string;
      readonly pcscReaders: string;
      readonly readers: string;
      readonly none: string;
      readonly noReaders: string;
      readonly server: string;
      readonly serverNotChecked: string;
      readonly address: string;
      readonly reachable: string;
      readonly yes: string;
      readonly no: string;
      readonly healthCheck: string;
      readonly verdicts: Readonly<Record<Exclude<ServerVerdict, 'unreachable'>, string>>;
      readonly certificate: string;
      readonly issuedBy: (subject: string, issuer: string) => string;
      readonly certificateValid: string;
      readonly validity: (from: string, to: string) => string;
      readonly fingerprint: string;
      readonly trusted: string;
      readonly unknownReason: string;
      readonly copy: string;
      readonly copied: string;
      readonly copyFailed: string;
      readonly showText: string;
      readonly textLabel: string;
    };
    /** The report's sentences: on the screen, and in the text form `--diagnostics` prints. */
    readonly report: {
      readonly card: (card: CardReport) => string;
      readonly readerCard: (cardSentence: string | null) => string;
      readonly atr: (atr: string) => string;
      readonly cardServiceKind: (mock: boolean) => string;
      readonly cardServiceDown: (kind: string, problem: string) => string;
      readonly cardServiceRunning: (kind: string, readers: number) => string;
      readonly noAnswer: string;
      readonly httpStatus: (status: number | undefined) => string;
      readonly untrusted: string;
      readonly healthy: (status: number | undefined, milliseconds: number | undefined) => string;
      readonly databaseUnavailable: (status: number | undefined) => string;
      readonly noUsableAnswer: string;
      readonly serverNotChecked: string;
      readonly server: (url: string, verdict: ServerVerdict, detail: string) => string;
      readonly title: string;
      readonly generated: (at: string) => string;
      readonly app: (version: string, platform: string, arch: string, runtime: string) => string;
      readonly settings: string;
      readonly settingProblem: (setting: string, source: string, fix: string) => string;
      readonly settingValue: (name: string, value: string, source: string) => string;
      readonly certificate: (subject: string, issuer: string) => string;
      readonly validity: (from: string, to: string) => string;
      readonly fingerprint: (fingerprint: string) => string;
      readonly trusted: (trusted: boolean, problem: string | undefined) => string;
    };
  };
  readonly devPanel: {
    readonly heading: string;
    readonly lead: string;
    readonly insert: string;
    readonly remove: string;
    readonly lock: string;
    /** What each control did, said in the panel's status. */
    readonly done: Readonly<Record<'insert' | 'remove' | 'lock', string>>;
    readonly failed: (button: string, message: string) => string;
  };
}

/** Every language the catalogue is written in: a new one is its file and its line here. */
const LANGUAGES = { en: EN } as const satisfies Record<string, Wording>;

type Language = keyof typeof LANGUAGES;

/** The catalogue in a language (English until a language setting chooses another). */
export function wording(language: Language = 'en'): Wording {
  return LANGUAGES[language];
}
