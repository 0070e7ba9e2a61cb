import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { wording } from '../../shared/wording';
import { useWizardStore } from '../store/wizard-store';
import { DiagnosticsPanel, type WriteClipboard } from './diagnostics-panel';
import { useHelpWording, useNextStep } from './use-help';

/**
 * The diagnostics screen over any step: the wizard stays mounted and hidden with what was typed,
 * progress shows while the report is collected, and **Back** returns to the same step.
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
  const words = wording().diagnostics;
  const service = wording().service;
  useEffect(() => {
    const catalogue = wording();
    document.title = catalogue.service.pageTitle(catalogue.diagnostics.title);
    heading.current?.focus();
  }, []);

  const loading = diagnostics.status === 'loading';
  return (
    <>
      <button className="nhsuk-back-link" type="button" onClick={close}>
        {words.back}
      </button>
      <h1 ref={heading} tabIndex={-1}>
        {words.title}
      </h1>
      <p>{words.intro(desk)}</p>
      <div role="status" aria-live="polite">
        {loading ? (
          <>
            <p>{words.collecting}</p>
            <progress className="app-busy__indicator" aria-label={words.collectingLabel} />
          </>
        ) : diagnostics.status === 'ready' ? (
          <span className="nhsuk-u-visually-hidden">{words.ready}</span>
        ) : null}
      </div>
      {diagnostics.status === 'failed' ? (
        <div role="alert">
          <h2 className="nhsuk-heading-m">{words.failedHeading}</h2>
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
          {diagnostics.status === 'failed' ? words.tryAgain : words.checkAgain}
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={close}>
          {words.backTo(service.name)}
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
  const words = wording().diagnostics;
  return (
    <p className="nhsuk-body-s">
      <button className="app-link-button" type="button" onClick={() => void openDiagnostics()}>
        {words.title}
      </button>{' '}
      {words.forDesk}
    </p>
  );
}
