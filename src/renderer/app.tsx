import { HELP_CONTACTS } from '../shared/help';

/** The wizard's start screen (the wizard itself arrives with the desktop app issue). */
export function App() {
  return (
    <main id="main-content" className="nhsuk-main-wrapper">
      <h1>Smartcard Unlock</h1>
      <p>
        Here you can unlock your Smartcard and set a new passcode. You need to have registered for
        the Smartcard Unlock Service to be able to do this.
      </p>
      <p>Complete these 3 simple steps to unlock your Smartcard.</p>
      <ol>
        <li>Answer security questions you set during registration.</li>
        <li>Enter the Unlock Code that we will send you via registered email.</li>
        <li>Reset your Smartcard passcode.</li>
      </ol>
      <p>
        These steps should take no longer than 5 minutes to complete. Please make sure you have
        access to your email account.
      </p>
      <p>{HELP_CONTACTS.sentence}</p>
    </main>
  );
}
