import { defineScenarios } from '../support/e2e-scenarios';
import { assistedScenarios } from '../support/e2e-scenarios-assisted';
import { channelChoiceScenarios } from '../support/e2e-scenarios-every-holder';
import { keyboardScenarios } from '../support/e2e-scenarios-keyboard';
import { keyboardFailureScenarios } from '../support/e2e-scenarios-keyboard-failures';
import { noReaderScenarios } from '../support/e2e-scenarios-no-reader';
import { passcodeScenarios } from '../support/e2e-scenarios-passcode';
import { registrationScenarios } from '../support/e2e-scenarios-registration';

// Every scenario on SQLite, the server's single-instance database.
defineScenarios('sqlite', true, [
  registrationScenarios,
  keyboardScenarios,
  keyboardFailureScenarios,
  noReaderScenarios,
  passcodeScenarios,
  channelChoiceScenarios,
  assistedScenarios,
]);
