import { useId } from 'react';
import { wording } from '../../shared/wording';
import { useHelpWording } from './use-help';

/** Where to get help, in the seed's words with this app's desk; on failure screens and the footer. */
export function HelpContacts() {
  const titleId = useId();
  const { sentence } = useHelpWording();
  return (
    <section className="app-help" aria-labelledby={titleId}>
      <h2 className="nhsuk-heading-s" id={titleId}>
        {wording().common.getHelp}
      </h2>
      <p>{sentence}</p>
    </section>
  );
}
