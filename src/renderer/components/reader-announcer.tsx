import { useState } from 'react';
import { appError } from '../../shared/errors';
import type { ReaderStatus } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';
import { useWizardStore } from '../store/wizard-store';

type ReaderState = ReaderStatus['state'];

/** The sentence a change of the reader is announced with: a card taken out, put in, a problem. */
function announcement(before: ReaderState, status: ReaderStatus): string {
  const words = wording().reader;
  switch (status.state) {
    case 'card-present':
      return words.cardPresent(status.selectedReader);
    case 'no-card':
      return before === 'card-present' ? words.removed : words.noCard;
    case 'no-reader':
      return appError('READER_MISSING').message;
    case 'service-down':
      return appError('CARD_SERVICE_DOWN').message;
    case 'choose-reader':
      return appError('READER_CHOICE_NEEDED').message;
    default: {
      const unreachable: never = status.state;
      return unreachable;
    }
  }
}

/**
 * Says each change of the reader politely on every screen (the start screen's panel shows it but
 * stays quiet, so it is said once), and never moves focus. The state the app opens with is shown,
 * not announced.
 */
export function ReaderAnnouncer() {
  const reader = useWizardStore((s) => s.reader);
  const [heard, setHeard] = useState<{ state: ReaderState | null; said: string }>(() => ({
    state: reader?.state ?? null,
    said: '',
  }));
  // Derived while rendering, from the last state heard: no effect, no extra render of the page.
  if (reader !== null && reader.state !== heard.state) {
    setHeard({
      state: reader.state,
      said: heard.state === null ? '' : announcement(heard.state, reader),
    });
  }
  return (
    <div
      className="nhsuk-u-visually-hidden"
      id="reader-announcer"
      role="status"
      aria-live="polite"
      aria-atomic="true"
    >
      {heard.said}
    </div>
  );
}
