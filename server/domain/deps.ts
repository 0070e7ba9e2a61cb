import type { VerificationModel } from '../../src/shared/http-api';
import type { DeliveryChannel, HolderDelivery } from './delivery-port';
import type { SecurityPolicy } from './policy';
import type { DomainEvents, DomainLogger } from './ports';
import type { Repositories, UnitOfWork } from './repository-ports';
import type {
  AnswerHashing,
  Clock,
  CodeHashing,
  NotMeTokenSigning,
  ReferenceHashing,
  SecretSealer,
} from './security-ports';
import type { SourceThrottle } from './source-throttle';

/** What every domain service works with: ports only, wired by server/create-services.ts. */
export interface DomainDeps {
  /** The repositories outside any transaction. */
  readonly repos: Repositories;
  readonly unitOfWork: UnitOfWork;
  readonly policy: SecurityPolicy;
  readonly keyRing: SecretSealer;
  readonly answerHasher: AnswerHashing;
  readonly codeHasher: CodeHashing;
  /** Signs the unlock notice's "This wasn't me" links under a key of their own. */
  readonly notMeTokens: NotMeTokenSigning;
  /** Hashes the references holders read to the desk (assisted unlock). */
  readonly referenceHasher: ReferenceHashing;
  readonly delivery: HolderDelivery;
  /** The channels an unlock's code may go on, in order (`delivery.channels`): first the holder has. */
  readonly channels: readonly DeliveryChannel[];
  /** How a holder is checked before an unlock (`verification.model`). */
  readonly verification: VerificationModel;
  readonly now: Clock;
  readonly logger: DomainLogger;
  /** Counters for monitoring: a no-op unless the server connects its metrics. */
  readonly events: DomainEvents;
  /** When each address was last audited for naming an unknown attempt (this instance only). */
  readonly unknownAttemptAudits: SourceThrottle;
}
