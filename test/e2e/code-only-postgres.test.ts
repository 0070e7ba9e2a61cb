import { defineE2eSuite } from '../support/e2e-scenarios';
import { codeOnlyScenarios } from '../support/e2e-scenarios-every-holder';

// The code-only model again on PostgreSQL, the database of several server instances.
defineE2eSuite(
  'the code-only model end to end on postgres',
  'postgres',
  { model: 'code-only' },
  codeOnlyScenarios,
);
