/**
 * Refusals of the decider, each with a stable machine-readable code and a category that the API
 * maps to an HTTP status (invalid → 400, forbidden → 403, not_found → 404, conflict → 409,
 * unprocessable → 422).
 */
export type RefusalCategory = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable';

export const REFUSALS = {
  CYCLE_NOT_FOUND: { category: 'not_found', it: 'Ciclo inesistente', en: 'No such cycle' },
  CYCLE_ALREADY_EXISTS: { category: 'conflict', it: 'Il ciclo esiste già', en: 'The cycle already exists' },
  UNKNOWN_CYCLE_TYPE: { category: 'invalid', it: 'Tipo di ciclo sconosciuto', en: 'Unknown cycle type' },
  UNKNOWN_COMMAND: { category: 'invalid', it: 'Comando sconosciuto per questo tipo di ciclo', en: 'Unknown command for this cycle type' },
  UNKNOWN_TRANSITION: {
    category: 'conflict',
    it: 'Comando non disponibile nella fase attuale',
    en: 'The command is not available from the current stage',
  },
  CYCLE_CLOSED: { category: 'conflict', it: 'Il ciclo è chiuso', en: 'The cycle is closed' },
  ROLE_NOT_ALLOWED: { category: 'forbidden', it: 'Ruolo non autorizzato per questo comando', en: 'Role not allowed for this command' },
  ROLE_NOT_HELD: { category: 'forbidden', it: "Il ruolo indicato non è attribuito all'utente", en: 'The acting role is not held by the user' },
  SEPARATION_OF_DUTIES: {
    category: 'unprocessable',
    it: 'Separazione delle funzioni: la stessa persona non può compiere entrambi i passaggi',
    en: 'Separation of duties: the same person cannot perform both steps',
  },
  ONLY_ORIGINAL_ACTOR: {
    category: 'unprocessable',
    it: 'Solo chi ha compiuto il passaggio precedente può eseguire questo comando',
    en: 'Only the person who performed the earlier step may do this',
  },
  ATTACHMENT_REQUIRED: { category: 'unprocessable', it: 'Occorre allegare almeno un documento', en: 'A document must be attached first' },
  INVALID_FIELDS: { category: 'invalid', it: 'Campi mancanti o non validi', en: 'Missing or malformed fields' },
  DELIBERATION_DATE_IN_FUTURE: {
    category: 'unprocessable',
    it: 'La data della deliberazione è nel futuro',
    en: 'The deliberation date is in the future',
  },
  DELIBERATION_DATE_BEFORE_SUBMISSION: {
    category: 'unprocessable',
    it: "La data della deliberazione precede l'invio della proposta",
    en: 'The deliberation date is before the submission',
  },
  DUPLICATE_DELIBERATION_NUMBER: {
    category: 'unprocessable',
    it: "Numero di deliberazione già usato per lo stesso organo e anno",
    en: 'Deliberation number already used for the same organ and year',
  },
  DATE_IN_FUTURE: { category: 'unprocessable', it: 'La data è nel futuro', en: 'The date is in the future' },
  DEFINITION_VERSION_NOT_NEWER: {
    category: 'unprocessable',
    it: 'La versione indicata non è successiva a quella del ciclo',
    en: 'The target version is not newer than the cycle’s',
  },
  STAGE_NOT_IN_VERSION: {
    category: 'unprocessable',
    it: 'La fase attuale non esiste nella nuova versione della definizione',
    en: 'The current stage does not exist in the new definition version',
  },
} as const satisfies Record<string, { category: RefusalCategory; it: string; en: string }>;

export type RefusalCode = keyof typeof REFUSALS;

export interface FieldProblem {
  field: string;
  problem: string;
}

/** A command refused by a domain rule. Nothing is written. */
export class DomainRefusal extends Error {
  readonly category: RefusalCategory;
  readonly messageIt: string;

  constructor(
    readonly code: RefusalCode,
    readonly detail?: string,
    readonly fields: FieldProblem[] = [],
  ) {
    const r = REFUSALS[code];
    super(`${r.en}${detail ? `: ${detail}` : ''}`);
    this.name = 'DomainRefusal';
    this.category = r.category;
    this.messageIt = r.it;
  }
}
