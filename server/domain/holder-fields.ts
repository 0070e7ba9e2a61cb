import { z } from 'zod';
import { firstHiddenCharacter } from '../../src/shared/hidden-characters';

/**
 * No control, line-break, tab or bidi character in a holder's name or address, checked before
 * trimming: such a value could rewrite the terminal or screen that shows it, or hide its true text.
 */
const withoutHiddenCharacters = z.string().superRefine((text, ctx) => {
  const hidden = firstHiddenCharacter(text);
  if (hidden !== undefined) {
    ctx.addIssue({
      code: 'custom',
      abort: true,
      message: `contains the character ${hidden}; control, line-break, tab and bidi characters are not allowed.`,
    });
  }
});

/** A holder's name as imported, enrolled or stored: the one rule for every way in. */
export const holderNameSchema = withoutHiddenCharacters.trim().min(1, 'is empty.').max(200);

/** A holder's email address as imported, enrolled or stored. */
export const holderEmailSchema = withoutHiddenCharacters
  .trim()
  .pipe(z.email('is not an email address.').max(320));
