/** The risk register's Italian words: levels, statuses, kinds, categories, and the refused fields. */
import type { components } from '../../api-schema';
import { fieldProblemIt } from '../../labels';

export type Register = components['schemas']['RegisterResponse'];
export type Measure = Register['measures'][number];
export type Process = Register['processes'][number];
export type Risk = Process['risks'][number];
export type RatingMethodView = components['schemas']['RatingMethodResponse'];

/** Italian words for the levels of the default method; a chamber's own levels as written, capitalised, `_` as spaces. */
const LEVEL_LABEL: Record<string, string> = {
  basso: 'Basso',
  medio: 'Medio',
  alto: 'Alto',
  non_valutato: 'Non valutato',
};
export const levelLabel = (l: string | null | undefined): string =>
  l ? (LEVEL_LABEL[l] ?? `${l.charAt(0).toUpperCase()}${l.slice(1).replace(/_/g, ' ')}`) : 'Non valutato';

export const STATUS_LABEL: Record<string, string> = {
  attuata: 'Attuata',
  parzialmente_attuata: 'Parzialmente attuata',
  non_attuata: 'Non attuata',
  non_rendicontata: 'Non rendicontata',
};
export const STATUS_TONE: Record<string, 'success' | 'warning' | 'danger' | 'secondary'> = {
  attuata: 'success',
  parzialmente_attuata: 'warning',
  non_attuata: 'danger',
  non_rendicontata: 'secondary',
};
export const KIND_LABEL: Record<string, string> = { generale: 'Generale', specifica: 'Specifica' };

/** The categories of measures of PNA 2019, in Italian. */
export const CATEGORY_LABEL: Record<string, string> = {
  trasparenza: 'Trasparenza',
  codice_comportamento: 'Codice di comportamento',
  rotazione: 'Rotazione del personale',
  conflitto_interessi: 'Conflitto di interessi',
  whistleblowing: 'Tutela del segnalante (whistleblowing)',
  formazione: 'Formazione',
  inconferibilita_incompatibilita: 'Inconferibilità e incompatibilità',
  pantouflage: 'Pantouflage',
  commissioni_e_uffici: 'Commissioni e assegnazione agli uffici',
  patti_integrita: 'Patti di integrità',
  controllo: 'Controllo',
  regolamentazione: 'Regolamentazione',
  semplificazione: 'Semplificazione',
  definizione_standard: 'Definizione di standard di comportamento',
  sensibilizzazione: 'Sensibilizzazione e partecipazione',
  altro: 'Altro',
};
export const categoryLabel = (c: string): string => CATEGORY_LABEL[c] ?? c.replace(/_/g, ' ');

export const OUTCOME_LABEL: Record<string, string> = { confermato: 'Confermata', rettificato: 'Rettificata' };

/** "1 misura generale", "2 misure generali". */
export const n = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** The rating's tone by its rank in the method's levels (the top third danger, the middle warning). */
export function levelTone(
  levels: readonly string[],
  level: string | null,
): 'danger' | 'warning' | 'success' | 'secondary' {
  if (!level) return 'secondary';
  const i = levels.indexOf(level);
  if (i < 0) return 'secondary';
  const r = (i + 1) / levels.length;
  return r > 2 / 3 ? 'danger' : r > 1 / 3 ? 'warning' : 'success';
}

/** The level most indicators have; a tie goes to the higher level (as the API suggests it). */
export function suggestedLevel(levels: readonly string[], rated: readonly string[]): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const l of levels) {
    const c = rated.filter((x) => x === l).length;
    if (c > 0 && c >= bestCount) {
      best = l;
      bestCount = c;
    }
  }
  return best;
}

/**
 * A refused field of a register command in Italian. The API sends `problemIt`; where it only has a
 * generic "valore non valido (…)" for a register rule, the console says it in its own words.
 */
export function registerProblemIt(field: string, problem: string, given?: string): string {
  const own: [RegExp, string][] = [
    [
      /^a specific measure treats at least one risk$/,
      'Una misura specifica deve trattare almeno un evento rischioso',
    ],
    [/^lists a risk twice$/, 'Lo stesso evento rischioso è indicato due volte'],
    [/^no risk (.*) in the register$/, 'Evento rischioso $1 non presente nel registro'],
    [/^no process (.*) in the register$/, 'Processo $1 non presente nel registro'],
    [/^must be a code of/, 'Codice non valido: lettere, cifre e _ . - (fino a 40 caratteri)'],
    [/^must be a list of texts of 1 to (\d+) characters$/, 'Ogni riga deve contenere da 1 a $1 caratteri'],
    [/^is required: \{office, dirigente\}$/, 'Indicare ufficio e dirigente responsabili'],
    [/^must be a monitoring date of the plan/, 'Scegliere una delle date di monitoraggio del piano'],
    [
      /^is given only when the outcome is rettificato$/,
      'Lo stato si indica solo quando la rendicontazione è rettificata',
    ],
    [/^must list 1 to 24 dates/, 'Indicare da 1 a 24 date di monitoraggio'],
    [/^must be \{title, deadline\}$/, 'Indicare titolo e scadenza della fase'],
    [/^is required: \{level, reason\}$/, 'Indicare livello e motivazione'],
    [/^must rate every indicator/, 'Valutare tutti gli indicatori del metodo'],
    [/^is not an indicator of the rating method$/, 'Indicatore non previsto dal metodo di valutazione'],
    // The rating method (PUT /rating-method).
    [/^must be \{indicators: /, 'Indicare gli indicatori (chiave e titolo) e i livelli del metodo'],
    [/^must list 1 to 12 indicators/, 'Indicare da 1 a 12 indicatori, ciascuno con chiave e titolo'],
    [
      /^must be \{key: lower-case letters, digits, _; title: text\}$/,
      'Indicare la chiave (una lettera minuscola, poi lettere minuscole, cifre e _; fino a 40 caratteri) e il titolo (fino a 300 caratteri)',
    ],
    [/^(.*) is listed twice$/, '«$1» è indicato due volte'],
    [/^must list 2 to 7 levels, lowest first$/, 'Indicare da 2 a 7 livelli, dal più basso'],
    [
      /^must be lower-case letters, digits, _ \(e\.g\. medio\)$/,
      'Usare una lettera minuscola, poi lettere minuscole, cifre e _ (ad esempio medio; fino a 40 caratteri)',
    ],
    [/^is not a field of the method$/, 'Campo non previsto dal metodo di valutazione'],
  ];
  for (const [re, it] of own) {
    const m = problem.match(re);
    if (m) return it.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '');
  }
  // The API's Italian, or the shared words for the common problems ("is required"…), unless generic.
  const it = given ?? fieldProblemIt(problem);
  if (!it.startsWith('valore non valido')) return it.charAt(0).toUpperCase() + it.slice(1);
  return `Valore non ammesso per ${field}`;
}
