import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useWizardStore } from '../store/wizard-store';
import { SERVICE_NAME } from '../wording';
import { DiagnosticsPanel, type WriteClipboard } from './diagnostics-panel';
import { useHelpWording, useNextStep } from './use-help';

/** The screen's heading, and the footer button's name. */
export const DIAGNOSTICS_TITLE = 'About and diagnostics';

/**
 * The "About and diagnostics" screen, opened from the footer of any screen. It covers the wizard
 * (which stays mounted, hidden, with whatever was typed), takes focus on its heading, shows
 * progress while the report is collected (the server check can take seconds), and **Back**
 * returns to the step the person was on.
 */
export function DiagnosticsScreen({
  writeClipboard,
}: {
  readonly writeClipboard?: WriteClipboard;
}) {
  const { diagnostics, refresh, close } = useWizardStore(
    useShallow((s) => ({
      diagnostics: s.diagnostics,
      refresh: s.refreshDiagnostics,
      close: s.closeDiagnostics,
    })),
  );
  const heading = useRef<HTMLHeadingElement>(null);
  const { desk } = useHelpWording();
  const nextStep = useNextStep();
  useEffect(() => {
    document.title = `${DIAGNOSTICS_TITLE} - ${SERVICE_NAME}`;
    heading.current?.focus();
  }, []);

  const loading = diagnostics.status === 'loading';
  return (
    <>
      <button className="nhsuk-back-link" type="button" onClick={close}>
        Back
      </button>
      <h1 ref={heading} tabIndex={-1}>
        {DIAGNOSTICS_TITLE}
      </h1>
      <p>
        If you call {desk}, they may ask you to read this page out, or to copy the report into an
        email. It contains no passcode, PUK, security answer or Smartcard Unlock Code.
      </p>
      <div role="status" aria-live="polite">
        {loading ? (
          <>
            <p>
              Checking the card reader and the Smartcard Unlock Service. This can take a few
              seconds.
            </p>
            <progress
              className="app-busy__indicator"
              aria-label="Checking the card reader and the Smartcard Unlock Service"
            />
          </>
        ) : diagnostics.status === 'ready' ? (
          <span className="nhsuk-u-visually-hidden">The report is ready.</span>
        ) : null}
      </div>
      {diagnostics.status === 'failed' ? (
        <div role="alert">
          <h2 className="nhsuk-heading-m">The report could not be made</h2>
          <p>{diagnostics.error.message}</p>
          <p>{nextStep(diagnostics.error)}</p>
        </div>
      ) : null}
      {diagnostics.status === 'ready' ? (
        <DiagnosticsPanel
          report={diagnostics.report}
          {...(writeClipboard === undefined ? {} : { writeClipboard })}
        />
      ) : null}
      <div className="nhsuk-button-group">
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          onClick={() => void refresh()}
        >
          {diagnostics.status === 'failed' ? 'Try again' : 'Check again'}
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={close}>
          Back to {SERVICE_NAME}
        </button>
      </div>
    </>
  );
}

/** The footer's way into the screen, on every screen; hidden while the screen is open. */
export function DiagnosticsLink() {
  const { open, openDiagnostics } = useWizardStore(
    useShallow((s) => ({
      open: s.diagnostics.status !== 'closed',
      openDiagnostics: s.openDiagnostics,
    })),
  );
  if (open) return null;
  return (
    <p className="nhsuk-body-s">
      <button className="app-link-button" type="button" onClick={() => void openDiagnostics()}>
        {DIAGNOSTICS_TITLE}
      </button>{' '}
      (for the IT service desk)
    </p>
  );
}
