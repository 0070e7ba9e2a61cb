import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/errors';
import type { FlowView } from '../../shared/ipc-contract';
import type { AnswerInput } from '../../shared/ipc-contract';
import { wording } from '../../shared/wording';
import { AlreadyRegistered } from '../components/already-registered';
import { Emphasised } from '../components/emphasised';
import type { SummaryItem } from '../components/error-summary';
import { describedBy, ErrorMessage } from '../components/field-parts';
import { TextField } from '../components/text-field';
import { StepHead } from '../components/step-head';
import { useWizardStore } from '../store/wizard-store';
import { answerProblem } from './questions-step';
import { FormButtons } from '../components/cancel-button';

/** One slot of the form: the question chosen (empty until one is) and its answer. */
type Pick = AnswerInput;

/** Problems with one chosen question: none chosen, or the same as an earlier one. */
function choiceProblem(picks: readonly Pick[], index: number): string | null {
  const words = wording().registerQuestions;
  const id = picks[index]?.questionId ?? '';
  if (id === '') return words.choiceEmpty(index + 1);
  if (picks.slice(0, index).some((p) => p.questionId === id))
    return words.choiceRepeated(index + 1);
  return null;
}

/**
 * Registration: choose distinct questions from the catalogue and answer them. Answers stay in
 * this component and are wiped when sent.
 */
export function RegisterQuestionsStep({
  view,
  error,
}: {
  readonly view: Extract<FlowView, { kind: 'register-questions' }>;
  readonly error: AppError | undefined;
}) {
  const { holderName, maskedEmail, catalogue, questionsRequired } = view;
  const words = wording().registerQuestions;
  const submitAnswers = useWizardStore((s) => s.submitAnswers);
  const slots = Array.from({ length: questionsRequired }, (_, i) => i);
  const [picks, setPicks] = useState<readonly Pick[]>(() =>
    slots.map(() => ({ questionId: '', answer: '' })),
  );
  const [choiceProblems, setChoiceProblems] = useState<readonly (string | null)[]>([]);
  const [answerProblems, setAnswerProblems] = useState<readonly (string | null)[]>([]);

  const update = (index: number, change: Partial<Pick>) =>
    setPicks((all) => all.map((p, i) => (i === index ? { ...p, ...change } : p)));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const choices = slots.map((i) => choiceProblem(picks, i));
    const answers = slots.map((i) =>
      answerProblem(picks[i]?.answer ?? '', words.questionName(i + 1)),
    );
    setChoiceProblems(choices);
    setAnswerProblems(answers);
    if ([...choices, ...answers].some((p) => p !== null)) return;
    const payload = picks.map((p) => ({ questionId: p.questionId, answer: p.answer }));
    setPicks((all) => all.map((p) => ({ ...p, answer: '' })));
    void submitAnswers(payload);
  };

  const local: SummaryItem[] = slots.flatMap((i) => [
    ...(choiceProblems[i] ? [{ text: choiceProblems[i], targetId: `question-${i}` }] : []),
    ...(answerProblems[i] ? [{ text: answerProblems[i], targetId: `register-answer-${i}` }] : []),
  ]);
  const fromServer = local.length === 0 && error !== undefined;
  const items = fromServer ? [{ text: error.message, targetId: 'question-0' }] : local;

  return (
    <>
      <StepHead title={words.heading} items={items} error={fromServer ? error : undefined} />
      {view.alreadyRegistered ? <AlreadyRegistered /> : null}
      <p>{words.lead(holderName, questionsRequired)}</p>
      <p>
        <Emphasised parts={words.sendTo(maskedEmail)} />
      </p>
      <form noValidate onSubmit={onSubmit}>
        {slots.map((i) => {
          const pick = picks[i] ?? { questionId: '', answer: '' };
          const taken = new Set(picks.filter((_, j) => j !== i).map((p) => p.questionId));
          const selectId = `question-${i}`;
          const choiceError = choiceProblems[i] ?? null;
          return (
            <fieldset className="nhsuk-fieldset app-question-pair" key={i}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
                {words.legend(i + 1)}
              </legend>
              <div
                className={`nhsuk-form-group${choiceError === null ? '' : ' nhsuk-form-group--error'}`}
              >
                <label className="nhsuk-label" htmlFor={selectId}>
                  {words.questionLabel}
                </label>
                <ErrorMessage id={selectId} messages={choiceError === null ? [] : [choiceError]} />
                <select
                  className={`nhsuk-select${choiceError === null ? '' : ' nhsuk-select--error'}`}
                  id={selectId}
                  name={selectId}
                  value={pick.questionId}
                  onChange={(event) => update(i, { questionId: event.target.value })}
                  aria-describedby={describedBy(selectId, false, choiceError !== null)}
                  aria-invalid={choiceError === null ? undefined : true}
                >
                  <option value="">{words.choose}</option>
                  {catalogue
                    .filter((q) => !taken.has(q.id) || q.id === pick.questionId)
                    .map((q) => (
                      <option key={q.id} value={q.id}>
                        {q.text}
                      </option>
                    ))}
                </select>
              </div>
              <TextField
                id={`register-answer-${i}`}
                label={words.answerLabel}
                error={answerProblems[i] ?? undefined}
                value={pick.answer}
                onChange={(answer) => update(i, { answer })}
              />
            </fieldset>
          );
        })}
        <FormButtons />
      </form>
    </>
  );
}
