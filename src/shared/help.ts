import type { z } from 'zod';
import type { helpContactsSchema } from './help-schema';
import { wording } from './wording';

/**
 * Where staff get help: settings on the server (`help`) and the desktop (`helpPhone`,
 * `helpWalkIn`), so each trust's screens, API errors and emails name its own desk (ADR 0016).
 */

/** The contacts as the server's `help` section holds them (help-schema.ts checks them). */
export type HelpContacts = z.infer<typeof helpContactsSchema>;

/** The demo's contacts: the service description's own (the seed's last sentence). */
export const DEMO_HELP_CONTACTS: HelpContacts = {
  phone: 'x4050',
  walkIn: 'the IT walk in centres at City or Sandwell site',
};

/** The phrases that name the desk, for the sentences that need them. */
export interface HelpWording {
  /** The seed's closing sentence: in every screen's footer and every email. */
  readonly sentence: string;
  /** Whom to call, after "call": "x4050". */
  readonly phone: string;
  /** "the IT service desk on x4050" */
  readonly desk: string;
  /** "the IT service desk on x4050 or visit the IT walk in centres at City or Sandwell site" */
  readonly deskOrVisit: string;
  /** "the IT service desk on x4050 or at the IT walk in centres at City or Sandwell site" */
  readonly deskOrAt: string;
}

/**
 * The phrases for these contacts, in the wording catalogue's words. `null` (the app could not
 * read its settings) names the desk without a number: better no number than the demo's.
 */
export function helpWording(help: HelpContacts | null): HelpWording {
  return wording().help(help);
}
