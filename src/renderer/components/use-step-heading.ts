import { useEffect, useRef } from 'react';
import { wording } from '../../shared/wording';
import { selectDiagnosticsOpen } from '../store/diagnostics-slice';
import { useWizardStore } from '../store/wizard-store';

/**
 * Gives a step's h1 focus when the step appears, and names the window after it, so keyboard and
 * screen reader users land on the new step (WCAG 2.4.3, 2.4.2). An error summary that claimed
 * focus first keeps it: the problem matters more than the heading. While the diagnostics screen
 * covers the step, the step leaves focus and title alone, and takes them back when it closes.
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
