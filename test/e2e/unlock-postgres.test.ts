import { defineScenarios } from '../support/e2e-scenarios';
import { channelChoiceScenarios } from '../support/e2e-scenarios-every-holder';
import { keyboardScenarios } from '../support/e2e-scenarios-keyboard';
import { noReaderScenarios } from '../support/e2e-scenarios-no-reader';
import { registrationScenarios } from '../support/e2e-scenarios-registration';

// Every scenario again on PostgreSQL, the database of several server instances.
defineScenarios('postgres', true, [
  registrationScenarios,
  keyboardScenarios,
  noReaderScenarios,
  channelChoiceScenarios,
]);
