import { useEffect, useRef } from 'react';
import { wording } from '../../shared/wording';
import { selectDiagnosticsOpen } from '../store/diagnostics-slice';
import { useWizardStore } from '../store/wizard-store';

/**
 * Focuses a step's h1 and names the window after it when it appears (WCAG 2.4.3, 2.4.2), unless an
 * error summary took focus first or the diagnostics screen covers the step.
 */
export function useStepHeading(title: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  const covered = useWizardStore(selectDiagnosticsOpen);
  useEffect(() => {
    if (covered) return;
    document.title = wording().service.pageTitle(title);
  }, [title, covered]);
  useEffect(() => {
    if (covered) return;
    if (document.activeElement?.closest('.nhsuk-error-summary')) return;
    ref.current?.focus();
  }, [covered]);
  return ref;
}
