import type { DiagnosticsReport } from '../../shared/diagnostics-report';
import type { AppError } from '../../shared/errors';
import { wording } from '../../shared/wording';
import { Emphasised } from './emphasised';

/** A bad setting: its name, where it was set (file with its path, Group Policy value...), the fix. */
type SettingProblemFacts = NonNullable<DiagnosticsReport['settings']['problem']>;

/**
 * The sentence naming a bad setting, its source and its fix: one wording for the failure screen
 * and About and diagnostics, so what a caller reads out matches what the service desk sees.
 */
export function SettingProblem({ setting, source, fix }: SettingProblemFacts) {
  return <Emphasised parts={wording().failure.settingProblem(setting, source, fix)} />;
}

/** The failure screen's part for SETTINGS_INVALID: the setting to read out; nothing otherwise. */
export function SettingsErrorDetails({ error }: { readonly error: AppError }) {
  const details = error.details;
  if (
    error.code !== 'SETTINGS_INVALID' ||
    details?.field === undefined ||
    details.source === undefined ||
    details.fix === undefined
  ) {
    return null;
  }
  return (
    <>
      <h2 className="nhsuk-heading-m">{wording().failure.settingHeading}</h2>
      <p>
        <SettingProblem setting={details.field} source={details.source} fix={details.fix} />
      </p>
    </>
  );
}
