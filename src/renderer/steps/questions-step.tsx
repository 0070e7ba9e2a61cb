import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import type { Question } from '../../shared/http-api';
import { ANSWER_MAX_LENGTH } from '../../shared/limits';
import { wording } from '../../shared/wording';
import { ErrorSummary, type SummaryItem } from '../components/error-summary';
import { TextField } from '../components/text-field';
import { useNextStep } from '../components/use-help';
import { useStepHeading } from '../components/use-step-heading';
import { useWizardStore } from '../store/wizard-store';
import { HolderWarning } from './holder-step';
import { CancelButton } from '../components/cancel-button';

/** The problem with one answer, or null; `question` names it ("question 1"). */
export function answerProblem(answer: string, question: string): string | null {
  const words = wording().questions;
  if (answer.trim() === '') return words.answerEmpty(question);
  if (answer.length > ANSWER_MAX_LENGTH) return words.answerTooLong(question, ANSWER_MAX_LENGTH);
  return null;
}

/** The error a server reply carries, with the tries left when the message does not say them. */
function serverSummary(error: AppError, triesLeft: number): SummaryItem {
  const tries =
    error.code === 'ANSWERS_WRONG' && error.details?.triesLeft === undefined
      ? wording().questions.triesLeft(triesLeft)
      : '';
  return { text: `${error.message}${tries}`, targetId: 'answer-0' };
}

/**
 * The security questions, labelled with the holder's own questions. Answers live in this
 * component only and are wiped as soon as they are submitted.
 */
export function QuestionsStep({
  holderName,
  questions,
  answerTriesLeft,
  error,
}: {
  readonly holderName: string;
  readonly questions: readonly Question[];
  readonly answerTriesLeft: number;
  readonly error: AppError | undefined;
}) {
  const words = wording().questions;
  const heading = useStepHeading(words.heading);
  const submitAnswers = useWizardStore((s) => s.submitAnswers);
  const nextStep = useNextStep();
  const [answers, setAnswers] = useState<readonly string[]>(() => questions.map(() => ''));
  const [problems, setProblems] = useState<readonly (string | null)[]>([]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = questions.map((_, i) =>
      answerProblem(answers[i] ?? '', words.questionName(i + 1)),
    );
    setProblems(found);
    if (found.some((p) => p !== null)) return;
    const payload = questions.map((q, i) => ({ questionId: q.id, answer: answers[i] ?? '' }));
    setAnswers(questions.map(() => ''));
    void submitAnswers(payload);
  };

  const local: SummaryItem[] = problems.flatMap((p, i) =>
    p === null ? [] : [{ text: p, targetId: `answer-${i}` }],
  );
  const fromServer = local.length === 0 && error !== undefined;
  const items = fromServer ? [serverSummary(error, answerTriesLeft)] : local;

  return (
    <>
      <ErrorSummary items={items} description={fromServer ? nextStep(error) : undefined} />
      <h1 ref={heading} tabIndex={-1}>
        {words.heading}
      </h1>
      <HolderWarning holderName={holderName} />
      <p>{words.lead}</p>
      <form noValidate onSubmit={onSubmit}>
        {questions.map((question, i) => (
          <TextField
            key={question.id}
            id={`answer-${i}`}
            label={question.text}
            error={problems[i] ?? undefined}
            value={answers[i] ?? ''}
            onChange={(value) => setAnswers((all) => all.map((a, j) => (j === i ? value : a)))}
          />
        ))}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit">
            {wording().common.next}
          </button>
          <CancelButton />
        </div>
      </form>
    </>
  );
}
