import { useId } from 'react';
import { HELP_CONTACTS } from '../../shared/help';

/** Where to get help, in the seed's words; on every failure screen and in the footer. */
export function HelpContacts() {
  const titleId = useId();
  return (
    <section className="app-help" aria-labelledby={titleId}>
      <h2 className="nhsuk-heading-s" id={titleId}>
        Get help
      </h2>
      <p>{HELP_CONTACTS.sentence}</p>
    </section>
  );
}
