import { defineScenarios } from '../support/e2e-scenarios';

// Every scenario on SQLite, the server's single-instance database.
defineScenarios('sqlite', true);
