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
  ACT_DATE_BEFORE_PERIOD: {
    category: 'unprocessable',
    it: "La data dell'atto (campo date) è anteriore a quanto consente il periodo del ciclo",
    en: "The act's date (field date) is earlier than the cycle's period allows",
  },
  ACT_DATE_BEFORE_PREVIOUS_STEP: {
    category: 'unprocessable',
    it: "La data dell'atto (campo date) precede il passaggio che l'atto segue",
    en: "The act's date (field date) is before the step it follows",
  },
  INDEPENDENCE_REQUIRED: {
    category: 'unprocessable',
    it: 'Serve un soggetto indipendente: chi ha redatto, inviato, approvato o deliberato il ciclo non può compiere questo passaggio',
    en: 'Independence required: whoever drafted, submitted, approved or deliberated the cycle cannot perform this step',
  },
  IDEMPOTENCY_KEY_REUSED: {
    category: 'unprocessable',
    it: 'La chiave Idempotency-Key è già stata usata per una richiesta con un contenuto diverso: usarne una nuova',
    en: 'The Idempotency-Key was already used for a request with a different body: use a new key',
  },
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
  UNKNOWN_LINK: { category: 'not_found', it: 'Collegamento inesistente per questo tipo di ciclo', en: 'No such link for this cycle type' },
  LINK_TARGET_NOT_FOUND: { category: 'not_found', it: 'Il ciclo da collegare non esiste in questa Camera', en: 'The cycle to link does not exist in this tenant' },
  LINK_TARGET_WRONG_TYPE: { category: 'unprocessable', it: 'Il ciclo da collegare non è del tipo previsto dal collegamento', en: 'The cycle to link is not of the type the link names' },
  LINK_TARGET_CANCELLED: { category: 'unprocessable', it: 'Il ciclo da collegare è annullato', en: 'The cycle to link is cancelled' },
  LINK_TARGET_YEAR_MISMATCH: { category: 'unprocessable', it: "L'anno del ciclo da collegare non corrisponde a quello previsto dal collegamento", en: "The linked cycle's year does not fit the link" },
  LINK_UNCHANGED: { category: 'conflict', it: 'Il collegamento indica già questo ciclo', en: 'The link already names this cycle' },
  LINK_MISSING: { category: 'conflict', it: 'Il collegamento non è ancora risolto: nessun ciclo collegato', en: 'The link is missing: no cycle is linked yet' },
  LINK_NOT_RESOLVED: { category: 'conflict', it: 'Il collegamento non indica questo ciclo', en: 'The link does not name that cycle' },
  UNKNOWN_DEADLINE: { category: 'not_found', it: 'Scadenza inesistente per questo tipo di ciclo', en: 'No such deadline for this cycle type' },
  INVALID_DEADLINE_DATE: {
    category: 'invalid',
    it: 'Data della scadenza non valida (AAAA-MM-GG)',
    en: 'The new deadline date is malformed (YYYY-MM-DD)',
  },
  DEADLINE_DATE_IMPLAUSIBLE: {
    category: 'unprocessable',
    it: 'La nuova data della scadenza (campo newDate) non è plausibile per questo ciclo',
    en: 'The new deadline date (field newDate) is not plausible for this cycle',
  },
  DEADLINE_ALREADY_MET: {
    category: 'conflict',
    it: 'La scadenza è già stata rispettata: non si può spostare',
    en: 'The deadline is already met and cannot be moved',
  },
  // Plan content (libs/domain/src/plan, docs/plan.md).
  UNKNOWN_PLAN_COMMAND: { category: 'invalid', it: 'Comando del piano sconosciuto', en: 'Unknown plan command' },
  PLAN_INVALID_FIELDS: { category: 'invalid', it: 'Campi del piano mancanti o non validi', en: 'Missing or malformed plan fields' },
  PLAN_NOT_EDITABLE: {
    category: 'conflict',
    it: 'Il piano non è modificabile nella fase attuale',
    en: 'The plan cannot be edited in the current stage',
  },
  PLAN_FROZEN: {
    category: 'conflict',
    it: 'Il piano è stato adottato: le modifiche richiedono una variazione approvata dalla Giunta',
    en: 'The plan was adopted: changes need a variation approved by the Giunta',
  },
  PLAN_NODE_EXISTS: { category: 'conflict', it: 'Esiste già un elemento del piano con questo codice', en: 'A plan node with this code already exists' },
  PLAN_NODE_NOT_FOUND: { category: 'not_found', it: 'Elemento del piano inesistente', en: 'No such plan node' },
  PLAN_PARENT_NOT_FOUND: {
    category: 'unprocessable',
    it: "L'elemento superiore indicato non esiste nel piano",
    en: 'The parent node does not exist in the plan',
  },
  PLAN_NODE_HAS_CHILDREN: {
    category: 'conflict',
    it: "L'elemento ha elementi subordinati: rimuoverli prima o chiedere la rimozione a cascata",
    en: 'The node has nodes below it: remove them first or ask for a cascading removal',
  },
  PLAN_INCOMPLETE: {
    category: 'unprocessable',
    it: 'Il piano non è completo o coerente: ogni problema è elencato',
    en: 'The plan is incomplete or inconsistent: every problem is listed',
  },
  PLAN_NOT_ADOPTED: {
    category: 'conflict',
    it: 'Il piano non è ancora adottato: si modifica la bozza, senza variazione',
    en: 'The plan is not adopted yet: edit the draft, no variation is needed',
  },
  PIAO_NOT_ADOPTED: {
    category: 'conflict',
    it: 'Il PIAO non è ancora adottato: il pacchetto per il portale si prepara dopo la deliberazione',
    en: 'The PIAO is not adopted yet: the portal pack is prepared after the deliberation',
  },
  DOCUMENT_NOT_FOR_CYCLE_TYPE: {
    category: 'not_found',
    it: 'Questo documento non esiste per questo tipo di ciclo (il PIAO si genera solo dai cicli PIAO)',
    en: 'This document does not exist for this cycle type (the PIAO is generated from PIAO cycles only)',
  },
  PLAN_VARIATION_OPEN: { category: 'conflict', it: 'È già aperta una variazione del piano', en: 'A plan variation is already open' },
  PLAN_OF_LINKED_CYCLE: { category: 'conflict', it: "Questo ciclo non ha un albero proprio: si modifica il piano del ciclo collegato (il PIAO)", en: "This cycle has no tree of its own: the plan of the linked cycle (the PIAO) is edited" },
  PLAN_VARIATION_LINKED: { category: 'conflict', it: 'La variazione è stata avviata dal monitoraggio: la approva la deliberazione della Giunta registrata in quel ciclo', en: "The variation was started by a monitoring cycle: the Giunta's deliberation recorded there approves it" },
  PLAN_NO_VARIATION: { category: 'conflict', it: 'Nessuna variazione del piano è aperta', en: 'No plan variation is open' },
  MEASUREMENT_ALREADY_RECORDED: {
    category: 'conflict',
    it: 'Misura già rilevata per questo periodo: va rettificata indicando il motivo',
    en: 'A measurement exists for this period: correct it, giving a reason',
  },
  MEASUREMENT_NOT_FOUND: { category: 'not_found', it: 'Nessuna misura da rettificare per questo periodo', en: 'No measurement to correct for this period' },
  MEASUREMENT_PERIOD_CLOSED: {
    category: 'conflict',
    it: "Le rilevazioni dell'anno sono chiuse",
    en: 'The measurements of that year are closed',
  },
  // Anticorruption risk register (libs/domain/src/plan/register, docs/anticorruption.md).
  REGISTER_NOT_IN_CYCLE: {
    category: 'unprocessable',
    it: 'Questo tipo di ciclo non contiene il registro dei rischi corruttivi (solo PTPCT e PIAO)',
    en: 'This cycle type holds no risk register (PTPCT and PIAO only)',
  },
  REGISTER_ITEM_EXISTS: { category: 'conflict', it: 'Nel registro esiste già un elemento di questo tipo con questo codice', en: 'A register item of this kind with this code already exists' },
  REGISTER_ITEM_NOT_FOUND: { category: 'not_found', it: 'Elemento del registro inesistente', en: 'No such register item' },
  REGISTER_REFERENCE_NOT_FOUND: {
    category: 'unprocessable',
    it: "Il processo o il rischio indicato non esiste nel registro",
    en: 'The process or risk referred to does not exist in the register',
  },
  REGISTER_ITEM_IN_USE: {
    category: 'conflict',
    it: "L'elemento è usato da altri elementi del registro: rimuoverli prima o chiedere la rimozione a cascata",
    en: 'Other register items refer to this item: remove them first or ask for a cascading removal',
  },
  MEASURE_REPORT_NOT_FOUND: { category: 'not_found', it: 'Nessuna rendicontazione della misura per questa data di monitoraggio', en: 'No report of the measure for this monitoring date' },
  RATING_METHOD_VERSION_CHANGED: {
    category: 'conflict',
    it: 'Il metodo di valutazione è stato modificato nel frattempo, ricaricare la pagina e ripetere la modifica',
    en: 'The rating method changed since the version read: reload and repeat the change',
  },
  MEASURE_REPORT_CHECKED: {
    category: 'conflict',
    it: "La rendicontazione è già stata verificata dal RPCT: non si può più cambiare",
    en: 'The RPCT already checked this report: it cannot change any more',
  },
  CATALOGUE_ENTRY_EXISTS: { category: 'conflict', it: 'Voce del catalogo già presente', en: 'The catalogue entry already exists' },
  CATALOGUE_ENTRY_NOT_FOUND: { category: 'not_found', it: 'Voce del catalogo inesistente', en: 'No such catalogue entry' },
  CATALOGUE_PARENT_NOT_FOUND: {
    category: 'unprocessable',
    it: 'La voce superiore del catalogo non esiste',
    en: 'The parent catalogue entry does not exist',
  },
  // Transparency obligations and the OIV's attestation grid (libs/domain/src/transparency, docs/transparency.md).
  TRANSPARENCY_OBLIGATION_EXISTS: { category: 'conflict', it: "Obbligo di pubblicazione già presente nella griglia", en: 'The transparency obligation is already in the grid' },
  TRANSPARENCY_OBLIGATION_NOT_FOUND: { category: 'not_found', it: 'Obbligo di pubblicazione inesistente nella griglia della Camera', en: "No such transparency obligation in the tenant's grid" },
  TRANSPARENCY_OFFICES_UNCHANGED: { category: 'conflict', it: "Gli uffici indicati sono già quelli responsabili dell'obbligo", en: 'The obligation already has these offices' },
  ATTESTATION_GRID_NOT_EDITABLE: {
    category: 'conflict',
    it: 'La griglia di rilevazione non è modificabile nella fase attuale',
    en: 'The survey grid cannot be edited in the current stage',
  },
  NO_SURVEY_GRID: { category: 'not_found', it: 'Questo tipo di ciclo non ha una griglia di rilevazione', en: 'This cycle type has no survey grid' },
  ATTESTATION_GRID_EMPTY: {
    category: 'unprocessable',
    it: "La griglia di rilevazione è vuota: va compilata prima dell'invio",
    en: 'The survey grid is empty: fill it in before sending it on',
  },
  ATTESTATION_GRID_ROW_NOT_FOUND: { category: 'not_found', it: 'Riga della griglia di rilevazione inesistente', en: 'No such row in the survey grid' },
} as const satisfies Record<string, { category: RefusalCategory; it: string; en: string }>;

export type RefusalCode = keyof typeof REFUSALS;

export interface FieldProblem {
  /** The field, e.g. `body.reason` */
  field: string;
  /** What is wrong with it, in English */
  problem: string;
}

/** A command refused by a domain rule. Nothing is written. */
export class DomainRefusal extends Error {
  readonly category: RefusalCategory;
  readonly messageIt: string;
  /** The detail in Italian, when the refusal gives one (already part of `messageIt`). */
  readonly detailIt?: string;

  /** `detailIt`: the detail in Italian, appended to the Italian message (what the console shows). */
  constructor(
    readonly code: RefusalCode,
    readonly detail?: string,
    readonly fields: FieldProblem[] = [],
    detailIt?: string,
  ) {
    const r = REFUSALS[code];
    super(`${r.en}${detail ? `: ${detail}` : ''}`);
    this.name = 'DomainRefusal';
    this.category = r.category;
    this.messageIt = detailIt ? `${r.it}: ${detailIt}` : r.it;
    if (detailIt) this.detailIt = detailIt;
  }
}
