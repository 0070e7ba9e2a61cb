import { z } from 'zod';
import { passcodeProblemMessage, passcodeProblems, type PasscodePolicy } from './passcode-policy';

/** The passcode policy's zod side; the rules themselves are plain code in passcode-policy.ts. */

/** A passcode policy's name, as the desktop's `passcodePolicy` setting and IPC carry it. */
export const passcodePolicyNameSchema = z.enum(['printable-4-8', 'digits-6-8']);

/** A zod schema accepting exactly the passcodes the policy allows (used at the IPC boundary). */
export function passcodeSchema(policy: PasscodePolicy): z.ZodType<string> {
  return z.string().superRefine((value, ctx) => {
    for (const problem of passcodeProblems(value, policy)) {
      ctx.addIssue({ code: 'custom', message: passcodeProblemMessage(problem, policy) });
    }
  });
}
