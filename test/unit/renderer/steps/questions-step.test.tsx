import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../src/shared/errors';
import { useWizardStore } from '../../../../src/renderer/store/wizard-store';
import { ok } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { QUESTIONS, questionsView } from '../support/views';

async function atQuestions(view = questionsView()) {
  const rendered = await renderApp({ view });
  act(() => useWizardStore.getState().confirmHolder());
  return rendered;
}

describe('security questions', () => {
  it("when shown, then each field is labelled with the holder's own question and the seed's lead", async () => {
    await atQuestions();
    for (const q of QUESTIONS) expect(screen.getByRole('textbox', { name: q.text })).toBeDefined();
    expect(
      screen.getByText(
        'To confirm your identity please answer the following security questions. These are questions that you provided when you registered for the Smartcard Unlock Service.',
      ),
    ).toBeDefined();
  });

  it('when Next is pressed with an empty answer, then the summary links to that field', async () => {
    const { api, user } = await atQuestions();
    await user.type(screen.getByRole('textbox', { name: QUESTIONS[0].text }), 'Ford Escort');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(api.unlockAnswer).not.toHaveBeenCalled();
    const link = screen.getByRole('link', { name: 'Enter your answer to question 2' });
    await user.click(link);
    const second = screen.getByRole('textbox', { name: QUESTIONS[1].text });
    expect(document.activeElement).toBe(second);
    expect(second.getAttribute('aria-describedby')).toBe('answer-1-error');
    expect(second.getAttribute('aria-invalid')).toBe('true');
  });

  it('when an answer is too long, then it says the limit', async () => {
    const { user } = await atQuestions();
    await user.type(screen.getByRole('textbox', { name: QUESTIONS[0].text }), 'x');
    await user.click(screen.getByRole('textbox', { name: QUESTIONS[1].text }));
    await user.paste('y'.repeat(201));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      screen.getAllByText('Your answer to question 2 must be 200 characters or fewer').length,
    ).toBeGreaterThan(0);
  });

  it('when the answers are wrong, then the screen says how many tries are left and what to do', async () => {
    const { api, user } = await atQuestions();
    api.unlockAnswer.mockResolvedValueOnce(
      ok(questionsView({ answerTriesLeft: 2, error: appError('ANSWERS_WRONG', { triesLeft: 2 }) })),
    );
    await user.type(screen.getByRole('textbox', { name: QUESTIONS[0].text }), 'Ford Escort');
    await user.type(screen.getByRole('textbox', { name: QUESTIONS[1].text }), '0121 555 0100');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'One or more answers did not match the ones you registered. You have 2 more tries left.',
    );
    expect(alert.textContent).toContain('Check your answers and try again.');
    // The holder stays confirmed across the busy step between the answer and its result.
    expect(screen.getByRole('heading', { level: 1, name: 'Security Questions' })).toBeDefined();
  });

  it('when the error carries no count, then the tries left come from the view', async () => {
    await atQuestions(questionsView({ answerTriesLeft: 1, error: appError('ANSWERS_WRONG') }));
    expect(screen.getByRole('alert').textContent).toContain('You have 1 try left.');
  });

  it('when the answers are sent, then they are in neither the store nor the page', async () => {
    const { api, user } = await atQuestions();
    api.unlockAnswer.mockResolvedValueOnce(
      ok(questionsView({ error: appError('ANSWERS_WRONG', { triesLeft: 2 }) })),
    );
    await user.type(screen.getByRole('textbox', { name: QUESTIONS[0].text }), 'Ford Escort');
    await user.type(screen.getByRole('textbox', { name: QUESTIONS[1].text }), '0121 555 0100');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('alert');
    expect(api.unlockAnswer).toHaveBeenCalledWith({
      answers: [
        { questionId: 'first-car', answer: 'Ford Escort' },
        { questionId: 'childhood-phone', answer: '0121 555 0100' },
      ],
    });
    for (const secret of ['Ford Escort', '0121 555 0100']) {
      expect(storeText()).not.toContain(secret);
      expect(domText()).not.toContain(secret);
    }
  });
});
