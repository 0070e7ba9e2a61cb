import { benchClient } from './client';

/** `npm run bench`: every benchmark, each printing ratios against a baseline from the same run. */
benchClient().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `The benchmark failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
