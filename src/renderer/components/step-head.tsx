import type { AppError } from '../../shared/errors';
import { ErrorSummary, type SummaryItem } from './error-summary';
import { useNextStep } from './use-help';
import { useStepHeading } from './use-step-heading';

/**
 * A form step's top: the error summary (saying what to do next about `error`, one from the main
 * process) and the h1 that takes focus and names the window.
 */
export function StepHead({
  title,
  items,
  error,
}: {
  readonly title: string;
  readonly items: readonly SummaryItem[];
  readonly error: AppError | undefined;
}) {
  const heading = useStepHeading(title);
  const nextStep = useNextStep();
  return (
    <>
      <ErrorSummary items={items} description={error === undefined ? undefined : nextStep(error)} />
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
    </>
  );
}
