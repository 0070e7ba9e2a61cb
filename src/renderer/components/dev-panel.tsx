import { useWizardStore } from '../store/wizard-store';
import type { MockAction } from '../store/reader-slice';

const CONTROLS: readonly { readonly action: MockAction; readonly label: string }[] = [
  { action: 'insert', label: 'Insert card' },
  { action: 'remove', label: 'Remove card' },
  { action: 'lock', label: 'Lock card' },
];

/** Development controls for the in-process virtual card; rendered only in mock reader mode. */
export function DevPanel() {
  const mockReader = useWizardStore((s) => s.info?.mockReader === true);
  const mockControl = useWizardStore((s) => s.mockControl);
  if (!mockReader) return null;
  return (
    <aside className="app-dev-panel" aria-labelledby="dev-panel-title">
      <h2 className="nhsuk-heading-s" id="dev-panel-title">
        Development: virtual card
      </h2>
      <p className="nhsuk-body-s">
        Mock reader mode: these buttons act on the virtual card instead of a real reader.
      </p>
      <div className="app-dev-panel__buttons">
        {CONTROLS.map(({ action, label }) => (
          <button
            key={action}
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            type="button"
            onClick={() => void mockControl(action)}
          >
            {label}
          </button>
        ))}
      </div>
    </aside>
  );
}
