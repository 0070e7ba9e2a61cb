import { describe, expect, it } from 'vitest';
import { flowStepLists } from '../../../../src/main/flows/flows';
import { IPC_INVOKE } from '../../../../src/shared/ipc-contract';

describe('the flows as lists of steps', () => {
  it('reports every list in a shape the contract accepts', () => {
    const lists = flowStepLists();
    expect(IPC_INVOKE['flow:get-steps'].response.parse(lists)).toEqual(lists);
  });

  it('lists the unlock as Start, the questions after the holder confirms, the code, the new passcode', () => {
    const unlock = flowStepLists().find((list) => list.flow === 'unlock');
    expect(unlock?.done).toBe('unlock-done');
    expect(unlock?.steps).toEqual([
      { view: null, input: 'none', confirmHolder: false, progress: 'reading-card' },
      {
        view: 'unlock-questions',
        input: 'none',
        confirmHolder: true,
        progress: 'checking-answers',
      },
      { view: 'unlock-code', input: 'none', confirmHolder: false, progress: 'checking-code' },
      {
        view: 'unlock-new-passcode',
        input: 'none',
        confirmHolder: false,
        progress: 'unlocking-card',
      },
    ]);
  });

  it('lists the registration as the passcode log-in, the chosen questions, the code', () => {
    const register = flowStepLists().find((list) => list.flow === 'register');
    expect(register?.done).toBe('register-done');
    expect(register?.steps.map((step) => [step.view, step.input])).toEqual([
      [null, 'passcode'],
      ['register-questions', 'none'],
      ['register-code', 'none'],
    ]);
  });
});
