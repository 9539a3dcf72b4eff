/**
 * The RPCT's annual report (Relazione annuale del RPCT) pre-filled from the register and its
 * monitoring, in rows shaped after the sections of ANAC's form: risk management, measures (general
 * and specific, carried out, late), transparency, training, rotation, whistleblowing, monitoring.
 * The whistleblowing count and the training given are what the RPCT enters (`set_rpct_report_figures`).
 */
import type { RegisterState } from './model';
import { registerView } from './view';

export interface RpctReportRow {
  /** Section of the form */
  section: string;
  /** The item */
  item: string;
  /** The figure or answer */
  value: number | string;
  /** Where it comes from, or what is missing */
  note: string;
}

const LEVEL_IT: Record<string, string> = {
  basso: 'basso',
  medio: 'medio',
  alto: 'alto',
  non_valutato: 'non valutato',
};

/** The rows of the report on `year`; measures' status and lateness judged on `date` (31 December, or earlier when the year is not over). */
export function rpctAnnualReport(r: RegisterState, year: number, date: string): RpctReportRow[] {
  const v = registerView(r, date);
  const figures = r.reportFigures.get(year);
  const rows: RpctReportRow[] = [];
  const add = (section: string, item: string, value: number | string, note = '') =>
    rows.push({ section, item, value, note });
  const fromRegister = 'dal registro dei rischi';
  const fromMonitoring = `dal monitoraggio al ${date.split('-').reverse().join('/')}`;

  const s2 = '2. Gestione del rischio';
  add(s2, 'Processi mappati', v.summary.processes, fromRegister);
  add(s2, 'Eventi rischiosi individuati', v.summary.risks, fromRegister);
  for (const b of v.summary.byRating)
    add(
      s2,
      `Processi con livello di rischio ${LEVEL_IT[b.level] ?? b.level.replace(/_/g, ' ')}`,
      b.processes,
      fromRegister,
    );

  const s3 = '3. Misure di prevenzione';
  const m = v.summary.measuresByStatus;
  add(s3, 'Misure programmate', v.summary.measures, fromRegister);
  add(s3, 'Misure generali programmate', v.summary.byKind.generale, fromRegister);
  add(s3, 'Misure specifiche programmate', v.summary.byKind.specifica, fromRegister);
  add(s3, 'Misure attuate', m.attuata, fromMonitoring);
  add(s3, 'Misure parzialmente attuate', m.parzialmente_attuata, fromMonitoring);
  add(s3, 'Misure non attuate', m.non_attuata, fromMonitoring);
  add(s3, 'Misure non rendicontate', m.non_rendicontata, fromMonitoring);
  add(s3, 'Misure in ritardo', v.summary.overdue, fromMonitoring);

  const byCategory = (section: string, category: string, label: string) => {
    const list = v.measures.filter((x) => x.category === category);
    add(section, `Misure di ${label} programmate`, list.length, fromRegister);
    add(
      section,
      `Misure di ${label} attuate`,
      list.filter((x) => x.status === 'attuata').length,
      fromMonitoring,
    );
  };
  byCategory('4. Trasparenza', 'trasparenza', 'trasparenza');
  byCategory('5. Formazione', 'formazione', 'formazione');
  add(
    '5. Formazione',
    'Formazione erogata',
    figures?.training ?? '',
    figures?.training ? 'indicata dal RPCT' : 'da indicare a cura del RPCT',
  );
  byCategory('6. Rotazione del personale', 'rotazione', 'rotazione');
  byCategory('7. Conflitto di interessi', 'conflitto_interessi', 'gestione del conflitto di interessi');
  add(
    '8. Whistleblowing',
    'Segnalazioni pervenute',
    figures ? figures.whistleblowingReports : '',
    figures ? 'indicate dal RPCT' : 'da indicare a cura del RPCT',
  );

  const s9 = '9. Monitoraggio';
  add(
    s9,
    'Date di monitoraggio',
    r.monitoringDates
      .filter((d) => d.startsWith(String(year)))
      .map((d) => d.split('-').reverse().join('/'))
      .join(', '),
    fromRegister,
  );
  add(
    s9,
    'Rendicontazioni dei dirigenti',
    new Set(
      r.reports
        .filter((x) => x.monitoringDate.startsWith(String(year)))
        .map((x) => `${x.measureCode} ${x.monitoringDate}`),
    ).size,
    fromMonitoring,
  );
  add(
    s9,
    'Rendicontazioni verificate dal RPCT',
    r.checks.filter((x) => x.monitoringDate.startsWith(String(year))).length,
    fromMonitoring,
  );
  add(
    s9,
    'Rendicontazioni rettificate dal RPCT',
    r.checks.filter((x) => x.monitoringDate.startsWith(String(year)) && x.outcome === 'rettificato').length,
    fromMonitoring,
  );
  if (figures?.note) add('Note', 'Note del RPCT', figures.note, 'indicate dal RPCT');
  return rows;
}
