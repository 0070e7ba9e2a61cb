import type { Flow } from './attempt/step';
import { outcomeReport } from './attempt/steps/outcome';
import { registrationAnswers } from './attempt/steps/registration-answers';
import { registrationCode } from './attempt/steps/registration-code';
import { registrationProof } from './attempt/steps/registration-proof';
import { unblock } from './attempt/steps/puk-release';
import { unlockAnswers } from './attempt/steps/unlock-answers';
import { unlockApproval, unlockApprovalStatus } from './attempt/steps/unlock-approval';
import { unlockChannel } from './attempt/steps/unlock-channel';
import { unlockCode } from './attempt/steps/unlock-code';
import { unlockProof } from './attempt/steps/unlock-proof';
import type { RegistrationSteps, UnlockSteps } from './ports';

/**
 * Unlock (product brief, "Unlock"): the card proves presence (9E), the holder answers and chooses
 * where the code goes, types it (or the desk approves instead, ADR 0025), then the PUK is released
 * with a crash-safe rotation and the card reports the outcome, as the proof's steps say.
 */
export const UNLOCK_FLOW: Flow<UnlockSteps> = {
  kind: 'unlock',
  steps: {
    proof: unlockProof,
    answers: unlockAnswers,
    channel: unlockChannel,
    code: unlockCode,
    approval: unlockApproval,
    approvalStatus: unlockApprovalStatus,
    unblock,
    outcome: outcomeReport,
  },
};

/**
 * Registration (product brief, "Registration"): the card proves possession and passcode (9A), the
 * holder chooses and answers questions, and a code to the address makes them the card's.
 */
export const REGISTRATION_FLOW: Flow<RegistrationSteps> = {
  kind: 'register',
  steps: { proof: registrationProof, answers: registrationAnswers, code: registrationCode },
};
