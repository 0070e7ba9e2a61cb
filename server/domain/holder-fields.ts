import { z } from 'zod';
import { withoutHiddenCharacters } from '../../src/shared/hidden-characters';
import { EMAIL_MAX_LENGTH, HOLDER_NAME_MAX_LENGTH } from '../../src/shared/limits';
import { ukMobileNumberSchema } from '../../src/shared/phone-number';

/** A holder's name as imported, enrolled or stored: the one rule for every way in. */
export const holderNameSchema = withoutHiddenCharacters
  .trim()
  .min(1, 'is empty.')
  .max(HOLDER_NAME_MAX_LENGTH);

/** A holder's email address as imported, enrolled or stored. */
export const holderEmailSchema = withoutHiddenCharacters
  .trim()
  .pipe(z.email('is not an email address.').max(EMAIL_MAX_LENGTH));

/** A holder's mobile as imported or enrolled: a UK mobile, normalised to E.164 (+447700900123). */
export const holderMobileSchema = ukMobileNumberSchema;
