import { useState } from 'react';
import { wording } from '../../shared/wording';
import { useWizardStore } from '../store/wizard-store';
import type { MockAction } from '../store/reader-slice';

const ACTIONS: readonly MockAction[] = ['insert', 'remove', 'lock'];

/**
 * Development controls for the in-process virtual card; rendered only in mock reader mode. What
 * each control did is said in a polite status, which stays on the page so that changes are read.
 */
export function DevPanel() {
  const mockReader = useWizardStore((s) => s.info?.mockReader === true);
  const mockControl = useWizardStore((s) => s.mockControl);
  const [said, setSaid] = useState('');
  if (!mockReader) return null;
  const words = wording().devPanel;
  const act = async (action: MockAction) => {
    // Emptied first, so the same result twice (Lock card, Lock card) is announced twice.
    setSaid('');
    const error = await mockControl(action);
    setSaid(error === null ? words.done[action] : words.failed(words[action], error.message));
  };
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
            onClick={() => void act(action)}
          >
            {words[action]}
          </button>
        ))}
      </div>
      <p className="nhsuk-body-s app-dev-panel__status" role="status" aria-live="polite">
        {said}
      </p>
    </aside>
  );
}
