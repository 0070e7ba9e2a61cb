import { defineE2eSuite } from '../support/e2e-scenarios';
import { codeOnlyScenarios } from '../support/e2e-scenarios-every-holder';

// The code-only model (issue 18) on SQLite: its own server, since the model is a server setting.
defineE2eSuite(
  'the code-only model end to end on sqlite',
  'sqlite',
  { model: 'code-only' },
  codeOnlyScenarios,
);
