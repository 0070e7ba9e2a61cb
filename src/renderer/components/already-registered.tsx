import { wording } from '../../shared/wording';
import { WarningCallout } from './warning-callout';

/** Said before a registered holder chooses questions again: the new ones replace their answers. */
export function AlreadyRegistered() {
  const words = wording().registerQuestions;
  return (
    <WarningCallout heading={words.alreadyRegisteredHeading}>
      <p className="nhsuk-card__description">{words.alreadyRegistered}</p>
    </WarningCallout>
  );
}
