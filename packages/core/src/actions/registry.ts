/** What a registry keys by: a node type, and the seed 000 `action_type` spelling when the rule form may name it. */
export interface ActionKind {
  type: string;
  ruleActionType?: string;
}

/** The action definitions (API) or providers (worker) a process knows, by node type. */
export class ActionRegistry<D extends ActionKind> {
  readonly #byType = new Map<string, D>();

  constructor(entries: readonly D[] = []) {
    for (const d of entries) this.register(d);
  }

  /** Adds an entry, replacing a built-in of the same type (how a host swaps in its own handler). */
  register(entry: D): this {
    this.#byType.set(entry.type, entry);
    return this;
  }

  /** The entry of a node type. */
  get(type: string): D | undefined {
    return this.#byType.get(type);
  }

  /** The entry a seed 000 rule's `action_type` names. */
  forRuleActionType(actionType: string): D | undefined {
    return [...this.#byType.values()].find((p) => p.ruleActionType === actionType);
  }

  /** Every node type known. */
  types(): string[] {
    return [...this.#byType.keys()];
  }
}
