import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import type { FlowView } from '../../shared/ipc-contract';
import { ANSWER_MAX_LENGTH } from '../../shared/limits';
import { wording } from '../../shared/wording';
import type { SummaryItem } from '../components/error-summary';
import { TextField } from '../components/text-field';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { HolderWarning } from './holder-step';
import { FormButtons } from '../components/cancel-button';
import { AskDesk } from '../components/ask-desk';

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
  view,
  error,
}: {
  readonly view: Extract<FlowView, { kind: 'unlock-questions' }>;
  readonly error: AppError | undefined;
}) {
  const { holderName, questions, answerTriesLeft } = view;
  const words = wording().questions;
  const submitAnswers = useWizardStore((s) => s.submitAnswers);
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
      <StepHead title={words.heading} items={items} error={fromServer ? error : undefined} />
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
        <FormButtons />
      </form>
      <AskDesk />
    </>
  );
}
