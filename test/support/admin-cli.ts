import { runAdmin } from '../../server/cli/run-admin';
import { createServices } from '../../server/create-services';
import { err } from '../../src/shared/result';

/**
 * Runs the admin CLI in-process on the real services, in `cwd`, with no local card reader; returns
 * the exit status and what it printed to each stream.
 */
export async function runAdminInProcess(
  cwd: string,
  env: Record<string, string>,
  ...argv: string[]
): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const status = await runAdmin({
    argv,
    env,
    cwd,
    out: (t) => out.push(t),
    err: (t) => errors.push(t),
    readLine: () => Promise.resolve(''),
    openCore: (settings) => createServices(settings.core),
    openLocalCard: () => Promise.resolve(err({ code: 'reader-missing' as const })),
  });
  return { status, out: out.join('\n'), err: errors.join('\n') };
}
