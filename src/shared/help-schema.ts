import { z } from 'zod';
import { withoutHiddenCharacters } from './hidden-characters';

/**
 * The help contacts' settings as zod checks them (help.ts has their type and phrases, for the
 * renderer, which bundles no zod).
 */

/** Each contact sits inside a sentence, so a full stop of its own would double the sentence's. */
const contactText = (max: number) =>
  withoutHiddenCharacters
    .trim()
    .min(1, 'is empty.')
    .max(max)
    .refine((text) => !text.endsWith('.'), 'must not end with a full stop: it goes mid-sentence.');

/** The desk's number as staff dial it: an extension such as x4050, or a full number. */
export const helpPhoneSchema = contactText(40);

/** Where to go in person, worded to follow "visit": "the IT walk in centres at City or Sandwell site". */
export const helpWalkInSchema = contactText(200);

/** The contacts as the server's `help` section holds them. */
export const helpContactsSchema = z
  .object({ phone: helpPhoneSchema, walkIn: helpWalkInSchema })
  .strict();
