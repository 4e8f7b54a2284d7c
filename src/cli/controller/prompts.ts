// The console's questions, one shown at a time in the order asked: confirmations, typed
// confirmations, notices and input forms. A question belongs to the run (its confirm steps,
// withdrawn when the run is aborted) or to the operator's own action.
import type { Answer, MessageTone, Prompt } from '../../ui/console-state.js';
import type { ConsoleBoard } from './board.js';

export type Values = Readonly<Record<string, string>>;
export type PromptOwner = 'run' | 'ui';

/** A prompt before it has its id. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type PromptInput = WithoutId<Prompt>;
export type InputsPrompt = Omit<Extract<Prompt, { kind: 'inputs' }>, 'id'>;

type Pending = { prompt: Prompt; owner: PromptOwner; resolve: (answer: Answer, values?: Values) => void };

export class Prompts {
  private readonly pending: Pending[] = [];
  private ids = 0;

  constructor(private readonly board: ConsoleBoard) {}

  ask(prompt: PromptInput, owner: PromptOwner = 'ui'): Promise<Answer> {
    if (this.board.closed) return Promise.resolve('cancel');
    return new Promise((resolve) => this.queue({ ...prompt, id: ++this.ids } as Prompt, owner, resolve));
  }

  /** Asks an inputs form; resolves with the answer and, for yes, the values as filled in. */
  askInputs(prompt: InputsPrompt): Promise<{ answer: Answer; values: Values }> {
    if (this.board.closed) return Promise.resolve({ answer: 'cancel', values: prompt.values });
    return new Promise((resolve) => {
      this.queue({ ...prompt, id: ++this.ids }, 'ui', (answer, values) => resolve({ answer, values: values ?? prompt.values }));
    });
  }

  notice(title: string, lines: readonly string[], tone: MessageTone): void {
    void this.ask({ kind: 'notice', title, lines, tone });
  }

  answer(id: number, answer: Answer, values?: Values): void {
    const index = this.pending.findIndex((p) => p.prompt.id === id);
    const found = this.pending[index];
    if (!found) return;
    this.pending.splice(index, 1);
    this.board.set({ prompt: this.pending[0]?.prompt ?? null });
    found.resolve(answer, values);
  }

  /** Whether a confirmation with this purpose is already asked. */
  asking(purpose: 'abort'): boolean {
    return this.pending.some((p) => p.prompt.kind === 'confirm' && p.prompt.purpose === purpose);
  }

  /** Withdraws an owner's questions (the run's confirm steps when the run is aborted). */
  withdraw(owner: PromptOwner): void {
    const mine = this.pending.filter((p) => p.owner === owner);
    if (!mine.length) return;
    for (const p of mine) this.pending.splice(this.pending.indexOf(p), 1);
    this.board.set({ prompt: this.pending[0]?.prompt ?? null });
    for (const p of mine) p.resolve('cancel');
  }

  /** Every question answered "cancel" (the console is closing). */
  cancelAll(): void {
    for (const pending of this.pending.splice(0)) pending.resolve('cancel');
  }

  private queue(prompt: Prompt, owner: PromptOwner, resolve: Pending['resolve']): void {
    this.pending.push({ prompt, owner, resolve });
    if (this.pending.length === 1) this.board.set({ prompt });
  }
}
