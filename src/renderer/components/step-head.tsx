import type { AppError } from '../../shared/errors';
import { ErrorSummary, type SummaryItem } from './error-summary';
import { useNextStep } from './use-help';
import { useStepHeading } from './use-step-heading';

/**
 * A form step's top: the error summary (saying what to do next about `error`, one from the main
 * process, unless the screen words it as `next`) and the h1 that takes focus and names the window.
 */
export function StepHead({
  title,
  items,
  error,
  next,
}: {
  readonly title: string;
  readonly items: readonly SummaryItem[];
  readonly error: AppError | undefined;
  readonly next?: string;
}) {
  const heading = useStepHeading(title);
  const nextStep = useNextStep();
  const description = next ?? (error === undefined ? undefined : nextStep(error));
  return (
    <>
      <ErrorSummary items={items} description={description} />
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
    </>
  );
}
