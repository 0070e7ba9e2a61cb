import { z } from 'zod';
import { withoutHiddenCharacters } from '../../src/shared/hidden-characters';

// The rule lives in src/shared, where the help contacts use it too; kept importable from here.
export { withoutHiddenCharacters };

/** A holder's name as imported, enrolled or stored: the one rule for every way in. */
export const holderNameSchema = withoutHiddenCharacters.trim().min(1, 'is empty.').max(200);

/** A holder's email address as imported, enrolled or stored. */
export const holderEmailSchema = withoutHiddenCharacters
  .trim()
  .pipe(z.email('is not an email address.').max(320));
