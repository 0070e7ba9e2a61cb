/** Where staff get help; shown on every error screen and in every email (wording from the service description). */
export const HELP_CONTACTS = {
  phone: 'x4050',
  walkIn: 'the IT walk in centres at City or Sandwell site',
  sentence:
    'If you require additional help with the smartcard please let us know on x4050 or by visiting the IT walk in centres at City or Sandwell site.',
} as const;
