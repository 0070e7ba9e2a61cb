import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ok } from '../support/fake-api';
import { domText, renderApp, storeText } from '../support/render-app';
import { codeView, registerQuestionsView } from '../support/views';

const select = (n: number) => screen.getAllByLabelText('Question')[n - 1] as HTMLSelectElement;
const answer = (n: number) => screen.getAllByLabelText('Your answer')[n - 1] as HTMLInputElement;

describe('registration questions', () => {
  it('when shown, then it offers the catalogue for each required question and names the address', async () => {
    await renderApp({ view: registerQuestionsView(2) });
    expect(screen.getAllByRole('group').map((g) => g.querySelector('legend')?.textContent)).toEqual(
      ['Security question 1', 'Security question 2'],
    );
    expect(
      within(select(1))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual([
      'Choose a question',
      'What was the make and model of your first car?',
      'What was your childhood phone number, including area code?',
      'What was the name of your first school?',
    ]);
    expect(screen.getByText('j****y@nhs.net')).toBeDefined();
  });

  it('when the holder is registered already, then a warning says the new answers replace theirs', async () => {
    await renderApp({ view: registerQuestionsView(2, true) });
    const warning = document.querySelector('.nhsuk-card--warning');
    expect(warning?.textContent).toContain('You are already registered');
    expect(warning?.textContent).toContain('Registering again replaces your security questions');
  });

  it('when the holder is not registered yet, then there is no warning', async () => {
    await renderApp({ view: registerQuestionsView(2, false) });
    expect(document.querySelector('.nhsuk-card--warning')).toBeNull();
  });

  it('when a question is chosen, then the other lists no longer offer it', async () => {
    const { user } = await renderApp({ view: registerQuestionsView(2) });
    await user.selectOptions(select(1), 'first-car');
    const offered = within(select(2))
      .getAllByRole('option')
      .map((o) => o.getAttribute('value'));
    expect(offered).toEqual(['', 'childhood-phone', 'first-school']);
  });

  it('when Next is pressed with nothing chosen, then each question and answer is asked for', async () => {
    const { api, user } = await renderApp({ view: registerQuestionsView(2) });
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const links = within(screen.getByRole('alert'))
      .getAllByRole('link')
      .map((a) => a.textContent);
    expect(links).toEqual([
      'Choose security question 1',
      'Enter your answer to security question 1',
      'Choose security question 2',
      'Enter your answer to security question 2',
    ]);
    expect(api.registerAnswer).not.toHaveBeenCalled();
  });

  it('when the answers are sent, then they reach the main process and leave no trace', async () => {
    const { api, user } = await renderApp({ view: registerQuestionsView(2) });
    api.registerAnswer.mockResolvedValueOnce(ok(codeView(60, 2, 'register-code')));
    await user.selectOptions(select(1), 'first-school');
    await user.type(answer(1), 'Hill Top');
    await user.selectOptions(select(2), 'first-car');
    await user.type(answer(2), 'Mini');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Confirm your email address' }),
    ).toBeDefined();
    expect(api.registerAnswer).toHaveBeenCalledWith({
      answers: [
        { questionId: 'first-school', answer: 'Hill Top' },
        { questionId: 'first-car', answer: 'Mini' },
      ],
    });
    expect(storeText()).not.toMatch(/Hill Top|Mini/);
    expect(domText()).not.toMatch(/Hill Top|Mini/);
  });
});
