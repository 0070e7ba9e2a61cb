import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { appError, type AppError } from '../../shared/errors';
import type { ReaderStatus } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';
import { useWizardStore } from '../store/wizard-store';
import { useNextStep } from './use-help';

/** The sentence and next step for each reader state; `nextStep` words it with this app's desk. */
function describe(
  status: ReaderStatus | null,
  nextStep: (error: AppError) => string,
): { readonly text: string; readonly next?: string } {
  const words = wording().reader;
  if (status === null) return { text: words.checking };
  switch (status.state) {
    case 'service-down': {
      const e = appError('CARD_SERVICE_DOWN');
      return { text: e.message, next: nextStep(e) };
    }
    case 'no-reader': {
      const e = appError('READER_MISSING');
      return { text: e.message, next: nextStep(e) };
    }
    case 'no-card':
      return { text: words.noCard, next: words.noCardNext };
    case 'choose-reader': {
      const e = appError('READER_CHOICE_NEEDED');
      return { text: e.message, next: nextStep(e) };
    }
    case 'card-present':
      return { text: words.cardPresent(status.selectedReader), next: words.cardPresentNext };
    default: {
      const unreachable: never = status.state;
      return unreachable;
    }
  }
}

/** Lets the person pick one of several readers that hold a card. */
function ReaderChoice({ status }: { readonly status: ReaderStatus }) {
  const chooseReader = useWizardStore((s) => s.chooseReader);
  const [choice, setChoice] = useState<string>(status.selectedReader ?? '');
  const words = wording().reader;
  return (
    <form
      className="app-reader-choice"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (choice !== '') void chooseReader(choice);
      }}
    >
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            {words.chooseLegend}
          </legend>
          <div className="nhsuk-radios">
            {status.readers.map((reader, index) => (
              <div className="nhsuk-radios__item" key={reader.name}>
                <input
                  className="nhsuk-radios__input"
                  id={`reader-${index}`}
                  name="reader"
                  type="radio"
                  value={reader.name}
                  checked={choice === reader.name}
                  onChange={() => setChoice(reader.name)}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={`reader-${index}`}>
                  {words.readerLabel(reader.name, reader.hasCard)}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <button className="nhsuk-button nhsuk-button--secondary" type="submit">
        {words.useReader}
      </button>
    </form>
  );
}

/**
 * The live reader status on the start screen. Its changes are announced by the page's one reader
 * announcer (`ReaderAnnouncer`), so this panel is not a live region itself.
 */
export function ReaderStatusPanel() {
  const { reader, readerError } = useWizardStore(
    useShallow((s) => ({ reader: s.reader, readerError: s.readerError })),
  );
  const nextStep = useNextStep();
  const { text, next } = describe(reader, nextStep);
  return (
    <section className="app-reader-status" aria-labelledby="reader-status-title">
      <h2 className="nhsuk-heading-s" id="reader-status-title">
        {wording().reader.heading}
      </h2>
      <div
        className={`nhsuk-inset-text app-reader-status__state app-reader-status__state--${reader?.state ?? 'unknown'}`}
        data-testid="reader-status"
      >
        <p>{text}</p>
        {next === undefined ? null : <p>{next}</p>}
        {readerError === null ? null : (
          <p className="app-reader-status__error" role="alert">
            {readerError.message} {nextStep(readerError)}
          </p>
        )}
      </div>
      {reader?.state === 'choose-reader' ? <ReaderChoice status={reader} /> : null}
    </section>
  );
}
