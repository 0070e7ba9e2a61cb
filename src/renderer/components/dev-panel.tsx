import { wording } from '../../shared/wording';
import { useWizardStore } from '../store/wizard-store';
import type { MockAction } from '../store/reader-slice';

const ACTIONS: readonly MockAction[] = ['insert', 'remove', 'lock'];

/** Development controls for the in-process virtual card; rendered only in mock reader mode. */
export function DevPanel() {
  const mockReader = useWizardStore((s) => s.info?.mockReader === true);
  const mockControl = useWizardStore((s) => s.mockControl);
  if (!mockReader) return null;
  const words = wording().devPanel;
  return (
    <aside className="app-dev-panel" aria-labelledby="dev-panel-title">
      <h2 className="nhsuk-heading-s" id="dev-panel-title">
        {words.heading}
      </h2>
      <p className="nhsuk-body-s">{words.lead}</p>
      <div className="app-dev-panel__buttons">
        {ACTIONS.map((action) => (
          <button
            key={action}
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            type="button"
            onClick={() => void mockControl(action)}
          >
            {words[action]}
          </button>
        ))}
      </div>
    </aside>
  );
}
