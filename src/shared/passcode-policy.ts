import type { z } from 'zod';
import type { passcodePolicyNameSchema } from './passcode-policy-schema';
import { wording } from './wording';

/**
 * The card passcode policy. The default follows the service description: 4 to 8 characters,
 * letters, numbers or special characters (printable ASCII, no spaces). A deployment can require
 * 6 to 8 digits instead.
 */
export type PasscodePolicyName = z.infer<typeof passcodePolicyNameSchema>;

/** The rule set behind a policy name. */
export interface PasscodePolicy {
  readonly name: PasscodePolicyName;
  readonly minLength: number;
  readonly maxLength: number;
  readonly digitsOnly: boolean;
}

/** Every policy's rules, by name. */
export const PASSCODE_POLICIES: Readonly<Record<PasscodePolicyName, PasscodePolicy>> = {
  'printable-4-8': {
    name: 'printable-4-8',
    minLength: 4,
    maxLength: 8,
    digitsOnly: false,
  },
  'digits-6-8': {
    name: 'digits-6-8',
    minLength: 6,
    maxLength: 8,
    digitsOnly: true,
  },
};

/** Why a passcode breaks the policy. */
export type PasscodeProblem =
  'empty' | 'too-short' | 'too-long' | 'not-allowed-character' | 'digits-only';

/** Why a confirmation does not match. */
export type ConfirmationProblem = 'confirmation-empty' | 'mismatch';

const PRINTABLE_NO_SPACE = /^[\x21-\x7e]*$/;
const DIGITS = /^[0-9]*$/;

/** Every rule the passcode breaks, in the order a person would fix them; empty when it is allowed. */
export function passcodeProblems(passcode: string, policy: PasscodePolicy): PasscodeProblem[] {
  if (passcode.length === 0) return ['empty'];
  const problems: PasscodeProblem[] = [];
  if (!PRINTABLE_NO_SPACE.test(passcode)) problems.push('not-allowed-character');
  else if (policy.digitsOnly && !DIGITS.test(passcode)) problems.push('digits-only');
  // Length counts code points, so an emoji does not count as two characters in the message.
  const length = [...passcode].length;
  if (length < policy.minLength) problems.push('too-short');
  if (length > policy.maxLength) problems.push('too-long');
  return problems;
}

/** Problems with the second box: empty, or not the same as the first. */
export function confirmationProblems(
  passcode: string,
  confirmation: string,
): ConfirmationProblem[] {
  if (confirmation.length === 0) return ['confirmation-empty'];
  return passcode === confirmation ? [] : ['mismatch'];
}

/** The sentence shown for each problem (the wording catalogue's). */
export function passcodeProblemMessage(
  problem: PasscodeProblem | ConfirmationProblem,
  policy: PasscodePolicy,
): string {
  return wording().passcode.problem(problem, policy);
}
