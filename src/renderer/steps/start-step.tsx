import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { wording } from '../../shared/wording';
import { ErrorSummary } from '../components/error-summary';
import { ReaderStatusPanel } from '../components/reader-status-panel';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { selectService } from '../store/app-slice';
import { useWizardStore } from '../store/wizard-store';

/**
 * The start screen: the seed's introduction worded for the server's verification model, the live
 * reader status, Start, Register (when holders register) and Change passcode.
 */
export function StartStep() {
  const { name } = wording().service;
  const words = wording().start;
  const heading = useStepHeading(name);
  const { actionError, choosing, startUnlock, beginRegistration, beginChange, loadService } =
    useWizardStore(
      useShallow((s) => ({
        actionError: s.actionError,
        choosing: s.reader?.state === 'choose-reader',
        startUnlock: s.startUnlock,
        beginRegistration: s.beginRegistration,
        beginChange: s.beginChange,
        loadService: s.loadService,
      })),
    );
  const { verification, channels } = useWizardStore(selectService);
  const questions = verification === 'questions-and-code';
  const steps = [
    ...(questions ? [words.answersStep] : []),
    words.codeStep(verification, channels),
    words.passcodeStep,
  ];
  const nextStep = useNextStep();
  // Until the server has said how it checks holders, the screen words the default model.
  useEffect(() => {
    void loadService();
  }, [loadService]);
  const startButton = useRef<HTMLButtonElement>(null);
  const hadError = useRef(false);
  // A summary that goes (the reader changed) takes focus with it: Start, not the page's top, gets it.
  useEffect(() => {
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (actionError === null && hadError.current && lost) startButton.current?.focus();
    hadError.current = actionError !== null;
  }, [actionError]);
  return (
    <>
      {actionError === null ? null : (
        <ErrorSummary
          items={[{ text: actionError.message, targetId: choosing ? 'reader-0' : 'start-button' }]}
          description={nextStep(actionError)}
        />
      )}
      <h1 ref={heading} tabIndex={-1}>
        {name}
      </h1>
      <p>{words.intro[verification]}</p>
      <p>{words.stepsLead(steps.length)}</p>
      <ol>
        {steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p>{words.duration(channels)}</p>
      <p>{words.instruction}</p>
      <ReaderStatusPanel />
      <button
        className="nhsuk-button"
        id="start-button"
        ref={startButton}
        type="button"
        onClick={() => void startUnlock()}
      >
        {words.startButton}
      </button>
      {questions ? (
        <>
          <h2 className="nhsuk-heading-m">{words.notRegisteredHeading}</h2>
          <p>{words.notRegistered}</p>
          <button
            className="nhsuk-button nhsuk-button--secondary"
            id="register-button"
            type="button"
            onClick={() => void beginRegistration()}
          >
            {words.registerButton}
          </button>
        </>
      ) : null}
      <h2 className="nhsuk-heading-m">{words.changeHeading}</h2>
      <p>{words.change[verification]}</p>
      <button
        className="nhsuk-button nhsuk-button--secondary"
        id="change-button"
        type="button"
        onClick={() => void beginChange()}
      >
        {words.changeButton}
      </button>
    </>
  );
}
