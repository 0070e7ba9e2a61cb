import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { wording } from '../shared/wording';
import { DevPanel } from './components/dev-panel';
import { DiagnosticsLink, DiagnosticsScreen } from './components/diagnostics-screen';
import { HelpContacts } from './components/help-contacts';
import { MAIN_ID, PageHeader, SkipLink } from './components/page-header';
import { ReaderAnnouncer } from './components/reader-announcer';
import { selectDiagnosticsOpen } from './store/diagnostics-slice';
import { useWizardStore } from './store/wizard-store';
import { StepRouter } from './step-router';
import { FailureStep } from './steps/failure-step';

/**
 * The page frame: the skip link, the NHS header, the current step, the development panel and the
 * footer. The diagnostics screen covers the step without unmounting it, so Back finds it as it was.
 */
export function App() {
  const { connection, connectionError, version, load, connect } = useWizardStore(
    useShallow((s) => ({
      connection: s.connection,
      connectionError: s.connectionError,
      version: s.info?.version,
      load: s.load,
      connect: s.connect,
    })),
  );
  const diagnosticsOpen = useWizardStore(selectDiagnosticsOpen);
  const service = wording().service;

  useEffect(() => {
    const disconnect = connect();
    void load();
    return disconnect;
  }, [connect, load]);

  return (
    <>
      <SkipLink />
      <PageHeader />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id={MAIN_ID}>
          <ReaderAnnouncer />
          <div className="nhsuk-grid-row">
            <div className="nhsuk-grid-column-two-thirds">
              {diagnosticsOpen ? <DiagnosticsScreen /> : null}
              <div hidden={diagnosticsOpen}>
                {connection === 'failed' && connectionError !== null ? (
                  <FailureStep error={connectionError} canRetry={false} />
                ) : connection === 'loading' ? (
                  <p role="status">{service.loading}</p>
                ) : (
                  <StepRouter />
                )}
              </div>
            </div>
            <div className="nhsuk-grid-column-one-third">
              <DevPanel />
            </div>
          </div>
        </main>
      </div>
      <footer className="nhsuk-footer" role="contentinfo">
        <div className="nhsuk-width-container">
          <div className="nhsuk-footer__meta">
            <HelpContacts />
            <DiagnosticsLink />
            <p className="nhsuk-body-s">
              {service.name}
              {version === undefined ? '' : service.version(version)}
            </p>
          </div>
        </div>
      </footer>
    </>
  );
}
