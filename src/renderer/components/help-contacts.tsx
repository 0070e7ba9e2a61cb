import { HELP_CONTACTS } from '../../shared/help';

/** Where to get help, in the seed's words; on every failure screen and in the footer. */
export function HelpContacts({ headingLevel = 2 }: { readonly headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="app-help" aria-labelledby="help-contacts-title">
      <Heading className="nhsuk-heading-s" id="help-contacts-title">
        Get help
      </Heading>
      <p>{HELP_CONTACTS.sentence}</p>
    </section>
  );
}
