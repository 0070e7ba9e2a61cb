import { defineScenarios } from '../support/e2e-scenarios';
import { channelChoiceScenarios } from '../support/e2e-scenarios-every-holder';
import { registrationScenarios } from '../support/e2e-scenarios-registration';

// On PostgreSQL, the database of several server instances, the scenarios whose outcome rests on
// what is stored: the unlock and its PUK rotation, the lockout, registration, legacy answers and
// the text channel. The screens alone are the same on either database (docs/testing.md, "Time").
defineScenarios('postgres', false, [registrationScenarios, channelChoiceScenarios]);
