/** A state machine as a table: each state lists the states it may move to. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/** An attempted move that the table does not allow; HTTP maps it to 409 with `allowed`. */
export class IllegalTransitionError<S extends string = string> extends Error {
  constructor(
    readonly entity: string,
    readonly from: S,
    readonly to: S,
    readonly allowed: readonly S[],
  ) {
    super(
      `${entity} cannot move from ${from} to ${to}; allowed from ${from}: ${
        allowed.length > 0 ? allowed.join(', ') : 'none (final state)'
      }`,
    );
    this.name = 'IllegalTransitionError';
  }
}

export function allowedTransitions<S extends string>(
  table: TransitionTable<S>,
  from: S,
): readonly S[] {
  return table[from];
}

/** Throws `IllegalTransitionError` unless `from → to` is in the table. */
export function assertTransition<S extends string>(
  entity: string,
  table: TransitionTable<S>,
  from: S,
  to: S,
): void {
  if (!table[from].includes(to)) throw new IllegalTransitionError(entity, from, to, table[from]);
}
