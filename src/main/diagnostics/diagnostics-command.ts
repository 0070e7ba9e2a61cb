import type { SettingsInputs } from '../settings/load-settings';
import { collectDiagnostics } from './collect-diagnostics';
import { formatDiagnosticsText } from '../../shared/diagnostics-report';

/**
 * The `--diagnostics [--json]` command, shared by the packaged app (`smartcard-unlock --diagnostics`)
 * and `npm run diagnostics`: prints the report and returns the exit status, 0 when the settings
 * are valid, the card service runs and the server is healthy, 1 otherwise.
 */
export async function runDiagnosticsCommand(
  inputs: SettingsInputs,
  version: string,
  write: (text: string) => void,
): Promise<number> {
  const json = inputs.argv.includes('--json');
  const report = await collectDiagnostics({
    inputs: { ...inputs, argv: inputs.argv.filter((a) => a !== '--json' && a !== '--diagnostics') },
    version,
  });
  write(json ? `${JSON.stringify(report, null, 2)}\n` : formatDiagnosticsText(report));
  const healthy =
    report.settings.problem === undefined &&
    report.cardService.state === 'running' &&
    report.server?.healthy === true;
  return healthy ? 0 : 1;
}
