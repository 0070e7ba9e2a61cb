import { defineE2eSuite } from '../support/e2e-scenarios';
import { codeOnlyScenarios, emailOnlyScenarios } from '../support/e2e-scenarios-every-holder';

// The code-only model (issue 18) on SQLite: its own server, since the model is a server setting.
defineE2eSuite(
  'the code-only model end to end on sqlite',
  'sqlite',
  { model: 'code-only' },
  codeOnlyScenarios,
);

// Email the only channel: its own server again, since the channels are a server setting too.
defineE2eSuite(
  'the code-only model with email alone on sqlite',
  'sqlite',
  { model: 'code-only', channels: ['email'] },
  emailOnlyScenarios,
);
