import { benchClient } from './client';
import { benchServer } from './server';

/** `npm run bench`: every benchmark, each printing ratios against a baseline from the same run. */
(process.argv.includes('server') ? benchServer() : benchClient().then(benchServer)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `The benchmark failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
