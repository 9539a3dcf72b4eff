import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlanEvent, initialPlanState, registerView, rpctAnnualReport, type JsonRecord, type RegisterState } from '@ciclo/domain';
import { renderRpctReportPdf, type RpctReportPdfInput } from './rpct-report-pdf';

const dir = mkdtempSync(join(tmpdir(), 'rpct-'));
let n = 0;
/** The text as laid out, the text in content order with blanks collapsed (a wrapped cell reads whole), the document info. */
function poppler(pdf: Buffer): { text: string; flow: string; info: string } {
  const file = join(dir, `r${n++}.pdf`);
  writeFileSync(file, pdf);
  const text = (mode: string) => execFileSync('pdftotext', [mode, '-enc', 'UTF-8', file, '-']).toString('utf8');
  return { text: text('-layout'), flow: text('-raw').replace(/\s+/g, ' '), info: execFileSync('pdfinfo', [file]).toString('utf8') };
}

/** A register folded from its events: three processes, four risks, four measures, monitoring at two dates. */
function register(figures: boolean): RegisterState {
  // Folded as the cycle's stream folds them: through the plan's fold, into its register.
  const plan = initialPlanState();
  const r = plan.register;
  let version = 0;
  const on = (type: string, data: JsonRecord, actorId = 'u-rpct') =>
    applyPlanEvent(plan, { type, data, actorId, actorRole: 'rpct', occurredAt: '2027-01-10T09:00:00Z', version: ++version, tenant: 't' });
  const process = (code: string, title: string, rating: string) => {
    on('RegisterItemAdded', { item: { kind: 'process', code, title, area: 'Area anagrafe', office: 'Registro imprese' } });
    on('RegisterItemAdded', { item: { kind: 'risk', code: `${code}-R1`, processCode: code, description: `Rischio di ${title}`, factors: [] } });
    if (rating) on('RiskAssessed', { processCode: code, indicators: {}, rating, motivation: `Motivazione ${code}`, suggestedRating: rating });
  };
  process('B2.1', 'Affidamenti diretti', 'alto');
  process('C1.1', 'Iscrizioni al registro', 'medio');
  process('C2.7', 'Manifestazioni a premio', 'alto');
  on('RegisterItemAdded', { item: { kind: 'risk', code: 'C2.7-R2', processCode: 'C2.7', description: 'Omesso controllo', factors: [] } });
  const measure = (code: string, kind: string, category: string, riskCodes: string[], deadline: string) =>
    on('RegisterItemAdded', {
      item: { kind: 'measure', code, measureKind: kind, category, title: `Misura ${code}`, riskCodes, owner: { office: 'Provveditorato', dirigente: 'Dirigente Area 1' }, phases: [{ title: `Fase di ${code}`, deadline }], indicator: 'Atti controllati', target: '100%' },
    });
  measure('MG-TRASP', 'generale', 'trasparenza', ['B2.1-R1'], '2027-03-31');
  measure('MG-FORM', 'generale', 'formazione', ['C1.1-R1'], '2027-11-30');
  measure('MS-B2.1', 'specifica', 'controllo', ['B2.1-R1', 'C2.7-R1'], '2027-05-31');
  measure('MS-C2.7', 'specifica', 'controllo', ['C2.7-R2'], '2027-06-30');
  on('MeasureMonitoringDatesSet', { dates: ['2027-06-30', '2027-11-30'] });
  const report = (code: string, date: string, status: string) =>
    on('MeasureReported', { measureCode: code, monitoringDate: date, status, evidence: `Evidenza ${code}`, date }, 'u-dir');
  report('MG-TRASP', '2027-06-30', 'attuata');
  report('MG-TRASP', '2027-11-30', 'attuata');
  report('MG-FORM', '2027-06-30', 'parzialmente_attuata');
  report('MG-FORM', '2027-11-30', 'attuata');
  report('MS-B2.1', '2027-06-30', 'parzialmente_attuata');
  on('MeasureReportChecked', { measureCode: 'MS-B2.1', monitoringDate: '2027-06-30', outcome: 'rettificato', status: 'non_attuata', reportedStatus: 'parzialmente_attuata', note: 'Nessun atto' });
  if (figures) on('RpctReportFiguresSet', { year: 2027, whistleblowingReports: 4, training: '3 corsi, 42 dipendenti, 18 ore' });
  return r;
}

const input = (figures = true): RpctReportPdfInput => {
  const r = register(figures);
  const date = '2027-12-31';
  return {
    chamber: { name: 'Camera di commercio di Prova', ipaCode: 'cciaa_pr' },
    cycle: { title: 'PTPCT 2027-2029', kind: 'PTPCT', period: '2027-2029', version: 42, stageTitle: 'Adottato' },
    adoption: { organ: 'giunta', number: '7/2027', date: '2027-01-28' },
    year: 2027,
    date,
    rows: rpctAnnualReport(r, 2027, date),
    register: registerView(r, date),
    asOf: new Date('2027-12-01T10:00:00Z'),
  };
};

describe('renderRpctReportPdf', () => {
  it('is byte-identical for the same register, tagged, in Italian, titled', async () => {
    const a = await renderRpctReportPdf(input());
    expect((await renderRpctReportPdf(input())).equals(a)).toBe(true);
    const { info } = poppler(a);
    expect(info).toMatch(/^Title:\s+Relazione annuale del RPCT 2027 - Camera di commercio di Prova$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    const raw = a.toString('latin1');
    expect(raw).toMatch(/\/Lang \(it-IT\)/);
    expect((raw.match(/\/S \/Table\b/g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect((raw.match(/\/S \/TH\b/g) ?? []).length).toBeGreaterThan(20);
  });

  it("prints ANAC's sections pre-filled from the register: measures planned, carried out, late; risks by rating; training; whistleblowing", async () => {
    const { text, flow } = poppler(await renderRpctReportPdf(input()));
    const line = (label: string) => text.split('\n').find((l) => l.includes(label)) ?? '';
    for (const h of ['1. Dati generali', '2. Gestione del rischio', '3. Misure di prevenzione', '4. Trasparenza', '5. Formazione', '6. Rotazione del personale', '7. Conflitto di interessi', '8. Whistleblowing', '9. Monitoraggio'])
      expect(text).toContain(h);
    expect(line('Processi mappati')).toMatch(/Processi mappati\s+3\s/);
    expect(line('Eventi rischiosi individuati')).toMatch(/\s4\s/);
    expect(line('Processi con livello di rischio alto')).toMatch(/\s2\s/);
    expect(line('Processi con livello di rischio medio')).toMatch(/\s1\s/);
    expect(line('Misure programmate ')).toMatch(/\s4\s/);
    expect(line('Misure attuate')).toMatch(/Misure attuate\s+2\s/);
    // MS-B2.1: reported partly done, corrected by the RPCT to not done; MS-C2.7 never reported.
    expect(line('Misure non attuate')).toMatch(/\s1\s/);
    expect(line('Misure non rendicontate')).toMatch(/\s1\s/);
    expect(line('Misure in ritardo')).toMatch(/\s2\s/);
    expect(line('Segnalazioni pervenute')).toMatch(/\s4\s/);
    expect(line('Formazione erogata')).toContain('3 corsi, 42 dipendenti');
    expect(line('Rendicontazioni rettificate dal RPCT')).toMatch(/\s1\s/);
    // The detail: processes by rating and the measures late with what is late.
    expect(text).toContain('Processi per livello di rischio');
    expect(text.indexOf('Affidamenti diretti')).toBeLessThan(text.indexOf('Iscrizioni al registro'));
    expect(text).toContain('Misure in ritardo');
    expect(flow).toContain('Fase di MS-B2.1: scadenza 31/05/2027; nessuna rendicontazione al 30/11/2027');
    expect(flow).toContain(
      'Fase di MS-C2.7: scadenza 30/06/2027; nessuna rendicontazione al 30/06/2027; nessuna rendicontazione al 30/11/2027',
    );
    expect(flow).not.toMatch(/MG-TRASP [^;]*scadenza/);
    expect(flow).toContain('Non attuata (verificata dal RPCT)');
    expect(flow).toContain('Piano adottato con deliberazione della Giunta n. 7/2027 del 28/01/2027');
    expect(text).not.toContain('Dato ancora da indicare');
  });

  it('marks what the RPCT has still to enter', async () => {
    const { flow } = poppler(await renderRpctReportPdf(input(false)));
    expect(flow).toContain('Dato ancora da indicare a cura del RPCT: segnalazioni pervenute.');
    expect(flow).toContain('Dato ancora da indicare a cura del RPCT: formazione erogata.');
  });
});
