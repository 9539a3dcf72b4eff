/** The plan page's Italian words: kinds, units, operators, statuses, submission problems. */
import type { PlanProblem } from './types';

export const KIND_LABEL: Record<string, string> = {
  ambito: 'Ambito strategico',
  strategic_objective: 'Obiettivo strategico',
  operational_objective: 'Obiettivo operativo',
  indicator: 'Indicatore',
  plan: 'Piano',
  process: 'Processo (registro dei rischi)',
  risk: 'Evento rischioso',
  measure: 'Misura di prevenzione',
};

export const TYPE_LABEL: Record<string, string> = {
  volume: 'Volume',
  efficacia: 'Efficacia',
  efficienza: 'Efficienza',
  qualita: 'Qualità',
  salute_economica: 'Salute economica',
  dfp: 'Indicatore DFP',
  altro: 'Altro',
};

export const UNIT_LABEL: Record<string, string> = { n: 'numero', '%': 'percentuale (%)', '€': 'euro (€)', gg: 'giorni', ore: 'ore', data: 'data', si_no: 'sì/no' };

export const OPERATOR_LABEL: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=', entro_il: 'entro il', si_no: 'sì/no' };

export const OPERATORS_BY_UNIT: Record<string, string[]> = {
  data: ['entro_il', '<=', '<', '='],
  si_no: ['si_no', '='],
};
export const NUMERIC_OPERATORS = ['>=', '>', '<=', '<', '='];
export const operatorsFor = (unit: string): string[] => OPERATORS_BY_UNIT[unit] ?? NUMERIC_OPERATORS;

export const STATUS_LABEL: Record<string, string> = {
  raggiunto: 'Raggiunto',
  parzialmente_raggiunto: 'Parzialmente raggiunto',
  non_raggiunto: 'Non raggiunto',
  non_rilevato: 'Non rilevato',
};

export const REASON_LABEL: Record<string, string> = {
  missing_measurement: "nessuna misura per l'anno",
  missing_target: "nessun target per l'anno",
  invalid_measurement: 'misura non valida',
  invalid_target: 'target non valido',
};

export const VARIANCE_LABEL: Record<string, string> = {
  behind: 'In ritardo',
  overdue: 'Scaduto',
  on_track: 'In linea',
  pending: 'In attesa',
  no_data: 'Nessun dato',
  not_applicable: 'Non applicabile',
};

const num = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2 });
export const formatNumber = (n: number): string => num.format(n);

/** A value of an indicator in its unit: 41 → "41", 95 (%) → "95%", a date → gg/mm/aaaa, true → "sì". */
export function formatValue(value: unknown, unit?: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return unit === 'data' && !value ? 'non raggiunto' : value ? 'sì' : 'no';
  if (typeof value === 'number') return unit === '%' ? `${formatNumber(value)}%` : unit === '€' ? `${formatNumber(value)} €` : unit === 'gg' ? `${formatNumber(value)} gg` : unit === 'ore' ? `${formatNumber(value)} ore` : formatNumber(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  return String(value);
}

export function formatTarget(t: { operator: string; value: unknown } | undefined, unit?: string): string {
  if (!t) return '—';
  if (t.operator === 'si_no') return formatValue(t.value, unit);
  return `${OPERATOR_LABEL[t.operator] ?? t.operator} ${formatValue(t.value, unit)}`;
}

/** "2022", "2022 · 1° semestre", "2022 · 2° trimestre", "2022 · giugno". */
const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
export function periodLabel(period: string): string {
  const s = /^(\d{4})-S([12])$/.exec(period);
  if (s) return `${s[1]} · ${s[2]}° semestre`;
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${q[1]} · ${q[2]}° trimestre`;
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return `${m[1]} · ${MONTHS[Number(m[2]) - 1] ?? m[2]}`;
  return period;
}

/** First day of a period (YYYY-MM-DD). */
export function periodStart(period: string): string {
  const [y, rest] = period.split('-');
  if (!rest) return `${y}-01-01`;
  if (rest.startsWith('S')) return `${y}-${rest === 'S1' ? '01' : '07'}-01`;
  if (rest.startsWith('Q')) return `${y}-${String((Number(rest.slice(1)) - 1) * 3 + 1).padStart(2, '0')}-01`;
  return `${y}-${rest}-01`;
}

/** The months a period spans: [year, first month, last month]. */
function periodMonths(period: string): [number, number, number] {
  const [y, rest] = period.split('-');
  if (!rest) return [Number(y), 1, 12];
  if (rest.startsWith('S')) return rest === 'S1' ? [Number(y), 1, 6] : [Number(y), 7, 12];
  if (rest.startsWith('Q')) {
    const first = (Number(rest.slice(1)) - 1) * 3 + 1;
    return [Number(y), first, first + 2];
  }
  return [Number(y), Number(rest), Number(rest)];
}

/** The period a monitoring closed that contains `period` (its measurements are refused), if any. */
export function closedByMonitoring(period: string, monitoring: readonly { period: string; status: string }[]): string | undefined {
  const [y, a, b] = periodMonths(period);
  return monitoring.find((m) => {
    if (m.status !== 'closed') return false;
    const [my, ma, mb] = periodMonths(m.period);
    return my === y && a >= ma && b <= mb;
  })?.period;
}

/** Every period of the plan years, in order: year, semesters, quarters, months. */
export function periodsOf(years: number[]): string[] {
  const out: string[] = [];
  for (const y of years) {
    out.push(String(y), `${y}-S1`, `${y}-S2`);
    for (let q = 1; q <= 4; q++) out.push(`${y}-Q${q}`);
    for (let m = 1; m <= 12; m++) out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

/** A submission problem in Italian, from its stable code (the API writes the message in English). */
export function problemIt(p: PlanProblem): string {
  const d = (p.details ?? {}) as Record<string, unknown>;
  switch (p.code) {
    case 'DUPLICATE_CODE':
      return 'Codice usato da più elementi';
    case 'ORPHAN_NODE':
      return `L'elemento superiore ${String(d.parentCode ?? '')} non esiste`;
    case 'OBJECTIVE_WITHOUT_INDICATORS':
      return "L'obiettivo operativo non ha indicatori";
    case 'INDICATOR_WEIGHTS_SUM':
      return `I pesi degli indicatori sommano a ${typeof d.sum === 'number' ? formatNumber(d.sum) : '?'}% invece di 100%`;
    case 'INVALID_WEIGHT':
      return 'Peso non valido (deve essere un numero da 0 a 100)';
    case 'OBJECTIVE_WEIGHTS_INCOMPLETE':
      return 'Solo alcuni elementi dello stesso livello hanno un peso: indicarlo per tutti o per nessuno';
    case 'TARGET_MISSING':
      return `Manca il target per il ${p.year ?? ''}`.trim();
    case 'TARGET_DUPLICATE_YEAR':
      return `Più target per il ${p.year ?? ''}`.trim();
    case 'OPERATOR_UNIT_MISMATCH':
      return `Operatore del target${p.year ? ` ${p.year}` : ''} non compatibile con l'unità di misura`;
    case 'TARGET_VALUE_MISMATCH':
      return `Valore del target${p.year ? ` ${p.year}` : ''} non compatibile con l'unità di misura`;
    case 'BASELINE_UNIT_MISMATCH':
      return "Valore di partenza non compatibile con l'unità di misura";
    case 'INVALID_RESOURCES':
      return 'Risorse economiche non valide';
    case 'INVALID_TIME_SPAN':
      return "L'arco temporale finisce prima di iniziare";
    case 'RESPONSIBILITY_MISSING':
      return "Manca l'area di responsabilità (o il centro di responsabilità)";
    case 'PROCESS_NOT_ASSESSED':
      return 'Processo non ancora valutato (o valutato con livelli che il metodo non prevede)';
    case 'RISK_WITHOUT_MEASURE':
      return 'Nessuna misura tratta questo evento rischioso';
    case 'MEASURE_WITHOUT_RISK':
      return 'La misura specifica non tratta alcun rischio';
    case 'MEASURE_WITHOUT_PHASES':
      return 'La misura non ha fasi con scadenza';
    default:
      return p.message;
  }
}

/** A field the API refused (English `problem`), in Italian for the plan's forms. */
export function planFieldProblemIt(field: string, problem: string): string {
  if (field === 'period' && problem.includes('fall in a year of the plan')) return `Il periodo deve cadere in un anno del piano (${problem.replace(/.*\(([^)]*)\).*/, '$1')})`;
  if (field === 'period') return 'Periodo non valido: un anno (2022), un mese (2022-06), un semestre (2022-S1) o un trimestre (2022-Q2)';
  if (field === 'date' && problem.includes('before the period')) return 'La data di rilevazione precede l’inizio del periodo: il periodo non è ancora aperto';
  if (field === 'value') return 'Valore non compatibile con l’unità di misura dell’indicatore';
  if (field === 'reason' || field === 'correctionReason') return 'Indicare il motivo della rettifica';
  if (/required/.test(problem)) return 'Campo obbligatorio';
  if (/weights?\./.test(field) || field.startsWith('weights')) return 'Peso non valido: un numero da 0 a 100, o vuoto per n.d.';
  if (/targets/.test(field)) return 'Target non valido';
  if (/code/.test(field) && /letters|characters|code/.test(problem)) return 'Codice non valido: lettere, cifre e _ . - (fino a 40 caratteri)';
  return `Valore non ammesso (${problem})`;
}

const FIELD_LABEL: Record<string, string> = {
  section: 'Sezione',
  text: 'Testo',
  code: 'Codice',
  title: 'Titolo',
  name: 'Nome',
  period: 'Periodo',
  value: 'Valore',
  date: 'Data di rilevazione',
  reason: 'Motivo della rettifica',
  weight: 'Peso',
  unit: 'Unità di misura',
  type: 'Tipologia',
  parentCode: 'Elemento superiore',
  area: 'Area di responsabilità',
  resources: 'Risorse',
};
export const fieldLabel = (f: string): string => FIELD_LABEL[f.replace(/^body\./, '')] ?? f.replace(/^body\./, '');
