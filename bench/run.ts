import { benchCardRtt } from './card-rtt';
import { benchClient } from './client';
import { benchHostileLoad } from './hostile-load';
import { benchScale } from './scale';
import { benchServer } from './server';
import { benchStartup } from './startup';
import { benchUnlock } from './unlock';

/** Every benchmark by name, one line each; each prints ratios against a baseline from the same run. */
const benchmarks: Readonly<Record<string, () => Promise<void>>> = {
  client: benchClient,
  'card-rtt': benchCardRtt,
  server: async () => {
    await benchServer();
    await benchHostileLoad();
  },
  hostile: benchHostileLoad,
  unlock: benchUnlock,
  startup: benchStartup,
  scale: benchScale,
};

/** `npm run bench`: every benchmark; `npm run bench -- card-rtt client`: only those named. */
async function main(): Promise<void> {
  const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const unknown = named.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) {
    throw new Error(
      `no benchmark named ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`,
    );
  }
  for (const name of named.length > 0 ? named : Object.keys(benchmarks)) await benchmarks[name]!();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `The benchmark failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
