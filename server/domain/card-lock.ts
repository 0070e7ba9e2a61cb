import type { SecurityPolicy } from './policy';
import type { CardRecord } from './repository-ports';

/** True when the card's failures have reached the policy's limit. */
export const isLocked = (policy: SecurityPolicy, card: CardRecord): boolean =>
  card.failures >= policy.answers.maxWrongSubmissions;
