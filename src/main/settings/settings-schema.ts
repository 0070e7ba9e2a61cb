import { z } from 'zod';
import { DEMO_HELP_CONTACTS } from '../../shared/help';
import { helpPhoneSchema, helpWalkInSchema } from '../../shared/help-schema';
import { passcodePolicyNameSchema } from '../../shared/passcode-policy-schema';

/**
 * Every setting of the desktop app: its zod schema, its default, the environment variable and the
 * command-line flag that set it, and the sentence shown when it is wrong. One table, so the four
 * sources, the docs and the error screen cannot disagree.
 */

/** How a raw string from the environment or a flag becomes the setting's type. */
type Coerce = 'string' | 'boolean' | 'integer';

interface SettingDefinition<T extends z.ZodType> {
  readonly schema: T;
  readonly default: z.output<T>;
  readonly env: string;
  readonly flag: string;
  readonly coerce: Coerce;
  /** What a correct value looks like, for the fix shown on the error screen. */
  readonly expected: string;
}

const define = <T extends z.ZodType>(d: SettingDefinition<T>): SettingDefinition<T> => d;

/** The definitions, by setting name (the name used in config.json). */
export const SETTINGS = {
  serverUrl: define({
    schema: z.url({ protocol: /^https?$/ }).max(2000),
    default: 'http://127.0.0.1:8080',
    env: 'SMARTCARD_UNLOCK_SERVER_URL',
    flag: '--server-url',
    coerce: 'string',
    expected:
      'the address of the Smartcard Unlock server, such as https://smartcard-unlock.example.nhs.uk',
  }),
  caCertificateFile: define({
    schema: z.string().min(1).max(1000).nullable(),
    default: null,
    env: 'SMARTCARD_UNLOCK_CA_CERTIFICATE_FILE',
    flag: '--ca-certificate-file',
    coerce: 'string',
    expected:
      'the full path of a PEM file holding the certificate authority that signed the server certificate',
  }),
  readerName: define({
    schema: z.string().min(1).max(200).nullable(),
    default: null,
    env: 'SMARTCARD_UNLOCK_READER_NAME',
    flag: '--reader-name',
    coerce: 'string',
    expected: 'the exact name of the card reader to use, as the diagnostics screen lists it',
  }),
  mockReader: define({
    schema: z.boolean(),
    default: false,
    env: 'SMARTCARD_UNLOCK_MOCK_READER',
    flag: '--mock-reader',
    coerce: 'boolean',
    expected: 'true or false',
  }),
  mockCardProfile: define({
    schema: z.string().min(1).max(1000).nullable(),
    default: null,
    env: 'SMARTCARD_UNLOCK_MOCK_CARD_PROFILE',
    flag: '--mock-card-profile',
    coerce: 'string',
    expected: 'the full path of a virtual card profile (JSON) for mock reader mode',
  }),
  passcodePolicy: define({
    schema: passcodePolicyNameSchema,
    default: 'printable-4-8' as const,
    env: 'SMARTCARD_UNLOCK_PASSCODE_POLICY',
    flag: '--passcode-policy',
    coerce: 'string',
    expected: `one of ${passcodePolicyNameSchema.options.join(', ')}`,
  }),
  development: define({
    schema: z.boolean(),
    default: false,
    env: 'SMARTCARD_UNLOCK_DEVELOPMENT',
    flag: '--development',
    coerce: 'boolean',
    expected: 'true or false',
  }),
  requestTimeoutSeconds: define({
    schema: z.number().int().min(1).max(120),
    default: 20,
    env: 'SMARTCARD_UNLOCK_REQUEST_TIMEOUT_SECONDS',
    flag: '--request-timeout-seconds',
    coerce: 'integer',
    expected: 'a whole number of seconds from 1 to 120',
  }),
  logLevel: define({
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    default: 'info' as const,
    env: 'SMARTCARD_UNLOCK_LOG_LEVEL',
    flag: '--log-level',
    coerce: 'string',
    expected: 'one of debug, info, warn, error',
  }),
  // The desk every screen names; the defaults are the demo's, so a deployment must set its own.
  helpPhone: define({
    schema: helpPhoneSchema,
    default: DEMO_HELP_CONTACTS.phone,
    env: 'SMARTCARD_UNLOCK_HELP_PHONE',
    flag: '--help-phone',
    coerce: 'string',
    expected: `the number staff call for the IT service desk, such as ${DEMO_HELP_CONTACTS.phone} (up to 40 characters, with no full stop at the end)`,
  }),
  helpWalkIn: define({
    schema: helpWalkInSchema,
    default: DEMO_HELP_CONTACTS.walkIn,
    env: 'SMARTCARD_UNLOCK_HELP_WALK_IN',
    flag: '--help-walk-in',
    coerce: 'string',
    expected: `where staff can go for help in person, worded to follow "visit", such as "${DEMO_HELP_CONTACTS.walkIn}" (up to 200 characters, with no full stop at the end)`,
  }),
} as const;

/** A setting's name, as written in config.json. */
export type SettingName = keyof typeof SETTINGS;

/** The parsed settings the app runs with. */
export type Settings = { readonly [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> };

/** Every setting name, in the table's order. */
export const SETTING_NAMES = Object.keys(SETTINGS) as readonly SettingName[];

/** The built-in defaults. */
export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  SETTING_NAMES.map((name) => [name, SETTINGS[name].default]),
) as Settings;
