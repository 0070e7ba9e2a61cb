import { defineScenarios } from '../support/e2e-scenarios';

// PostgreSQL, the database of several server instances: the happy path and the answer lockout.
defineScenarios('postgres', false);
