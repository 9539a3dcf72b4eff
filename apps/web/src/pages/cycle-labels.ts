/** Italian for what the definitions do not name in Italian: the fields every kind of action carries, enum values, engine events. */
import { daysLeftLabel, formatDate } from '../labels';
import type { CycleDeadline, FieldInput } from './cycle-data';

/** Labels of the fields implied by the kind of a transition (a definition's own fields carry an Italian description). */
const FIELD_LABELS: Record<string, string> = {
  reason: 'Motivazione',
  reportReference: 'Riferimento del verbale o della relazione',
  number: 'Numero della deliberazione',
  date: 'Data',
  actHash: "Atto firmato (impronta SHA-256)",
  channel: 'Canale di pubblicazione',
  url: 'Indirizzo del documento pubblicato',
  recipient: 'Destinatario',
  protocol: 'Numero di protocollo o ricevuta',
};

const HINTS: Record<string, string> = {
  reason: 'Spiega che cosa va cambiato o perché: la legge chi agisce dopo.',
  actHash: "Scegli l'atto tra i documenti allegati al ciclo (caricalo prima nella sezione Documenti).",
  number: 'Ad esempio 12/2027',
};

export function fieldLabel(f: FieldInput, kind?: string): string {
  if (f.name === 'date') {
    if (kind === 'deliberation') return 'Data della deliberazione';
    if (kind === 'publication') return 'Data di pubblicazione';
    if (kind === 'transmission') return 'Data di trasmissione';
    if (kind === 'validation') return 'Data del documento di validazione';
    if (kind === 'refusal') return 'Data';
  }
  if (f.name === 'reportReference' && kind === 'validation') return 'Riferimento del documento di validazione';
  if (f.name === 'reportReference' && kind === 'refusal') return 'Riferimento del verbale di non validazione';
  if (FIELD_LABELS[f.name]) return FIELD_LABELS[f.name];
  // A definition's own field: its description is written in Italian.
  return f.description ?? f.name;
}

export const fieldHint = (f: FieldInput): string | undefined => HINTS[f.name];

const ENUM_LABELS: Record<string, string> = {
  amministrazione_trasparente: 'Amministrazione trasparente',
  albo_camerale: 'Albo camerale',
  portale_piao: 'Portale PIAO (Funzione Pubblica)',
  sito_istituzionale: 'Sito istituzionale',
  anac: 'ANAC',
  mef: 'Ministero dell’economia e delle finanze',
  mimit: 'Ministero delle imprese e del made in Italy',
  funzione_pubblica: 'Dipartimento della Funzione Pubblica',
  ministero_infrastrutture: 'Ministero delle infrastrutture e dei trasporti',
  unioncamere: 'Unioncamere',
  giunta: 'Giunta',
  consiglio: 'Consiglio',
};
export const enumLabel = (v: string): string => ENUM_LABELS[v] ?? v.replace(/_/g, ' ');

/** Events the engine writes itself (transitions are named by the definition's titles). */
export const EVENT_LABELS: Record<string, string> = {
  CycleOpened: 'Ciclo aperto',
  CycleCancelled: 'Ciclo annullato',
  CycleMigrated: 'Ciclo portato a una nuova versione della definizione',
  CommentAdded: 'Commento',
  DocumentAttached: 'Documento allegato',
  DeadlineMoved: 'Scadenza spostata',
  CycleLinked: 'Collegato a un altro ciclo',
  CycleLinkedFrom: 'Collegamento da un altro ciclo',
  CycleUnlinkedFrom: 'Collegamento da un altro ciclo rimosso',
  LinkedEventRecorded: 'Atto del ciclo collegato registrato',
  DeadlineRuleSwitched: 'Differimento della scadenza per legge',
  NarrativeSectionWritten: 'Sezione descrittiva scritta',
  AttestationGridRowSet: 'Griglia di rilevazione: riga compilata',
  AttestationGridRowRemoved: 'Griglia di rilevazione: riga tolta',
};

export const CYCLE_STATUS: Record<string, { label: string; tone: 'success' | 'secondary' | 'primary' }> = {
  open: { label: 'In corso', tone: 'primary' },
  closed: { label: 'Concluso', tone: 'success' },
  cancelled: { label: 'Annullato', tone: 'secondary' },
};

/** "Rispettata il 28/01/2027", "Scaduta da 3 giorni", "Tra 12 giorni"... */
export function deadlineStatusText(d: CycleDeadline): string {
  if (d.status === 'met') return `Rispettata il ${formatDate(d.metOn)}${d.metLate ? ' (in ritardo)' : ''}`;
  if (d.status === 'unscheduled') return 'Data non ancora determinata';
  if (d.daysLeft === undefined) return '—';
  const t = daysLeftLabel(d.daysLeft);
  return t.charAt(0).toUpperCase() + t.slice(1);
}
