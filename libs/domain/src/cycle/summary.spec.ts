import { REGISTER_EVENT_TYPES } from '../plan/register/model';
import { auditSummary } from './summary';

const piao = { cycleType: 'piao', period: '2027-2029', title: 'PIAO 2027-2029' };
const relazione = { cycleType: 'relazione_performance', period: '2026', title: 'Relazione 2026' };
const smvp = { cycleType: 'smvp', period: '2027', title: 'SMVP 2027' };

describe('auditSummary', () => {
  it('words an approval as the issue asks', () => {
    expect(auditSummary({ type: 'ApprovedBySecretaryGeneral', data: { kind: 'approval' }, actorRole: 'segretario_generale' }, piao)).toBe(
      'Il Segretario Generale ha approvato il PIAO 2027-2029',
    );
  });

  it('contracts prepositions with the article and quotes reasons', () => {
    expect(auditSummary({ type: 'ChangesRequested', data: { kind: 'request_changes', fields: { reason: 'Rivedere i pesi' } }, actorRole: 'segretario_generale' }, relazione)).toBe(
      'Il Segretario Generale ha chiesto modifiche alla Relazione sulla performance 2026: «Rivedere i pesi»',
    );
    expect(auditSummary({ type: 'ValidationRefused', data: { kind: 'refusal', fields: { reason: 'Scostamenti non motivati' } }, actorRole: 'oiv' }, relazione)).toBe(
      "L'OIV ha rifiutato la validazione della Relazione sulla performance 2026: «Scostamenti non motivati»",
    );
    expect(auditSummary({ type: 'CommentAdded', data: {}, actorRole: 'rpct' }, smvp)).toBe("L'RPCT ha commentato l'aggiornamento del SMVP 2027");
  });

  it('words the narrative sections and the registry data of the body', () => {
    expect(auditSummary({ type: 'NarrativeSectionWritten', data: { section: '2.1', text: 'Valore pubblico...' }, actorRole: 'po' }, piao)).toBe(
      'La Posizione organizzativa ha scritto la sezione «2.1» del PIAO 2027-2029',
    );
    expect(auditSummary({ type: 'NarrativeSectionWritten', data: { section: 'scostamenti', text: '' }, actorRole: 'struttura_tecnica' }, relazione)).toBe(
      'La Struttura tecnica permanente ha svuotato la sezione «scostamenti» della Relazione sulla performance 2026',
    );
    expect(auditSummary({ type: 'TenantProfileUpdated', data: { address: 'Via Roma 1' }, actorRole: 'admin' }, null)).toBe("L'amministratore ha aggiornato i dati anagrafici dell'ente");
    expect(auditSummary({ type: 'TenantProfileUpdated', data: { address: 'Via Roma 1', patronDays: [] }, actorRole: 'admin' }, null)).toBe(
      "L'amministratore ha aggiornato i dati anagrafici e il calendario dell'ente",
    );
  });

  it('names deliberations with organ, number and Italian date', () => {
    expect(
      auditSummary(
        { type: 'GiuntaDeliberationRecorded', data: { kind: 'deliberation', organ: 'giunta', fields: { number: '12/2027', date: '2027-01-23' } }, actorRole: 'segreteria_organi' },
        piao,
      ),
    ).toBe('La Segreteria degli organi ha registrato la deliberazione di Giunta n. 12/2027 del 23/01/2027 sul PIAO 2027-2029');
  });

  it("words the monitoring's acts on the PIAO's plan", () => {
    expect(auditSummary({ type: 'MeasurementPeriodClosed', data: { period: '2027-S1', monitoringCycleId: 'm' }, actorRole: 'po' }, piao)).toBe(
      'La Posizione organizzativa ha chiuso, con il monitoraggio intermedio, la rilevazione del periodo 2027-S1 del PIAO 2027-2029',
    );
    expect(auditSummary({ type: 'MeasurementPeriodReopened', data: { period: '2027-S1' }, actorRole: 'segretario_generale' }, piao)).toContain('ha riaperto, con il monitoraggio intermedio, la rilevazione del periodo 2027-S1');
    expect(
      auditSummary({ type: 'PlanVariationApproved', data: { kind: 'deliberation', organ: 'giunta', fields: { number: '20/2027' }, monitoringCycleId: 'm' }, actorRole: 'segreteria_organi' }, piao),
    ).toBe('La Segreteria degli organi ha approvato la variazione del piano del PIAO 2027-2029 (deliberazione della Giunta n. 20/2027, registrata nel monitoraggio intermedio)');
  });

  it('names channels and recipients', () => {
    expect(auditSummary({ type: 'PublishedOnWebsite', data: { kind: 'publication', fields: { channel: 'amministrazione_trasparente' } }, actorRole: 'po' }, piao)).toBe(
      'La Posizione organizzativa ha pubblicato il PIAO 2027-2029 in Amministrazione trasparente',
    );
    expect(auditSummary({ type: 'TransmittedToAnac', data: { kind: 'transmission', fields: { recipient: 'anac' } }, actorRole: 'rpct' }, { cycleType: 'ptpct', period: '2027', title: 'x' })).toBe(
      "L'RPCT ha trasmesso il PTPCT 2027 all'ANAC",
    );
  });

  it('words who read the audit trail and the chain verifications', () => {
    expect(auditSummary({ type: 'AuditTrailRead', data: { what: 'page', rowCount: 25 }, actorRole: 'rpct' }, null)).toBe("L'RPCT ha consultato il registro di audit (25 righe)");
    expect(auditSummary({ type: 'AuditTrailRead', data: { what: 'export', format: 'pdf', rowCount: 1 }, actorRole: 'oiv' }, null)).toBe(
      "L'OIV ha esportato il registro di audit in PDF (1 riga)",
    );
    expect(auditSummary({ type: 'AuditTrailRead', data: { what: 'verify' }, actorRole: 'admin' }, null)).toBe(
      "L'amministratore ha verificato la catena di hash del registro di audit",
    );
    expect(auditSummary({ type: 'AuditChainVerified', data: { intact: true, intactUpTo: 1200 }, actorRole: 'system' }, null)).toBe(
      'Il sistema ha verificato la catena di hash del registro: integra fino alla posizione 1200',
    );
    expect(
      auditSummary({ type: 'AuditChainVerified', data: { intact: false, intactUpTo: 40, firstBad: { position: 41, problem: 'event_modified' } }, actorRole: 'system' }, null),
    ).toBe('Il sistema ha verificato la catena di hash del registro: anomalia alla posizione 41 (event_modified)');
    expect(auditSummary({ type: 'AuditAnchorPublished', data: { seq: 1200, position: 1203, signature: 'c2ln' }, actorRole: 'system' }, null)).toBe(
      "Il sistema ha pubblicato l'ancoraggio del registro: sigillo n. 1200, integro fino alla posizione 1203, firmato",
    );
    expect(auditSummary({ type: 'AuditAnchorPublished', data: { seq: 7, position: 7 }, actorRole: 'system' }, null)).toBe(
      "Il sistema ha pubblicato l'ancoraggio del registro: sigillo n. 7, integro fino alla posizione 7",
    );
  });

  it('says in Italian what plan, catalogue and directory events did', () => {
    const piao = { cycleType: 'piao', period: '2027-2029', title: 'PIAO 2027-2029' };
    expect(auditSummary({ type: 'PlanNodeAdded', data: { node: { code: 'OS1.2', kind: 'obiettivo_strategico' } }, actorRole: 'po' }, piao)).toBe(
      "La Posizione organizzativa ha aggiunto l'elemento «OS1.2» al piano del PIAO 2027-2029",
    );
    expect(
      auditSummary({ type: 'MeasurementCorrected', data: { indicatorCode: 'I.1', period: '2027', value: 12, previousValue: 10, reason: 'Dato errato' }, actorRole: 'rilevatore' }, piao),
    ).toBe("Il rilevatore ha corretto la misurazione dell'indicatore «I.1» per il periodo 2027: 12 (era 10): «Dato errato»");
    expect(auditSummary({ type: 'CatalogueProcessAdded', data: { entry: { code: 'A1.2' } }, actorRole: 'rpct' }, null)).toBe("L'RPCT ha aggiunto al catalogo dei processi «A1.2»");
    expect(auditSummary({ type: 'RoleGranted', data: { userId: 'u-rossi', role: 'segretario_generale' }, actorRole: 'admin' }, null)).toBe(
      "L'amministratore ha attribuito il ruolo di Segretario Generale a u-rossi",
    );
    expect(auditSummary({ type: 'CalendarFeedRevoked', data: { feedId: 'f1' }, actorRole: 'oiv' }, null)).toBe(
      "L'OIV ha revocato un indirizzo personale del calendario delle scadenze",
    );
  });

  it('says in Italian what the transparency grid and the survey grid events did', () => {
    expect(auditSummary({ type: 'TransparencyPublicationRecorded', data: { obligationId: 'bandi-concorso', date: '2027-01-10', url: 'https://example.org/b' }, actorRole: 'po' }, null)).toBe(
      "La Posizione organizzativa ha registrato la pubblicazione dell'obbligo «bandi-concorso» in Amministrazione trasparente il 10/01/2027 (https://example.org/b)",
    );
    expect(auditSummary({ type: 'TransparencyChangeReported', data: { obligationId: 'x', date: '2027-01-02', note: 'Nuovo bando' }, actorRole: 'rpct' }, null)).toBe(
      "L'RPCT ha segnalato una variazione da pubblicare per l'obbligo «x» del 02/01/2027: «Nuovo bando»",
    );
    const att = { cycleType: 'attestazione_oiv', period: '2027', title: 'Attestazione OIV 2027' };
    expect(auditSummary({ type: 'AttestationGridRowSet', data: { title: 'Bandi di concorso', pubblicazione: 2, completezza: 3, aggiornamento: 2, formatoAperto: 3 }, actorRole: 'rpct' }, att)).toMatch(
      /^L'RPCT ha compilato nella griglia di rilevazione .*la riga «Bandi di concorso» \(pubblicazione 2, completezza 3, aggiornamento 2, formato 3\)$/,
    );
  });

  it('falls back to the event type for unknown events and roles', () => {
    expect(auditSummary({ type: 'SomethingElse', data: {}, actorRole: 'ospite' }, null)).toBe("Chi ha il ruolo ospite ha registrato l'evento SomethingElse");
  });

  it('words links between cycles and the switch of a deadline', () => {
    expect(
      auditSummary({ type: 'CycleLinked', data: { mode: 'command', targetType: 'piao', targetYear: 2026, previousTargetCycleId: 'x', reason: 'PIAO in vigore' }, actorRole: 'segretario_generale' }, relazione),
    ).toBe('Il Segretario Generale ha collegato la Relazione sulla performance 2026 al PIAO 2026 (in sostituzione del precedente): «PIAO in vigore»');
    expect(auditSummary({ type: 'CycleLinked', data: { mode: 'automatic', targetType: 'preventivo_economico', targetYear: 2027 }, actorRole: 'po' }, piao)).toMatch(/^Il sistema ha collegato il PIAO 2027-2029 /);
    expect(auditSummary({ type: 'CycleLinkedFrom', data: { sourceType: 'relazione_performance', sourceYear: 2027 }, actorRole: 'po' }, piao)).toBe(
      'Il sistema ha registrato il collegamento dalla Relazione sulla performance 2027 al PIAO 2027-2029',
    );
    expect(auditSummary({ type: 'LinkedEventRecorded', data: { date: '2027-02-25', event: 'ConsiglioDeliberationRecorded' }, actorRole: 'segreteria_organi' }, piao)).toContain('del 25/02/2027');
    expect(auditSummary({ type: 'DeadlineRuleSwitched', data: { deadlineId: 'adozione', active: true, reference: 'DL 202/2026', reason: 'Rinvio' }, actorRole: 'segretario_generale' }, piao)).toBe(
      'Il Segretario Generale ha attivato il differimento della scadenza «adozione» del PIAO 2027-2029 (DL 202/2026): «Rinvio»',
    );
  });

  it('words every event of the risk register', () => {
    const ptpct = { cycleType: 'ptpct', period: '2027-2029', title: 'PTPCT 2027-2029' };
    const data: Record<string, Record<string, unknown>> = {
      RegisterItemAdded: { item: { kind: 'process', code: 'C2.7.5' } },
      RegisterItemUpdated: { kind: 'measure', code: 'MS1', set: {}, unset: [] },
      RegisterItemRemoved: { kind: 'risk', code: 'R1', removed: [] },
      RiskAssessed: { processCode: 'C2.7.5', rating: 'alto' },
      RiskRatingMethodSet: { method: {} },
      MeasureMonitoringDatesSet: { dates: ['2027-06-30'] },
      MeasureReported: { measureCode: 'MS1', monitoringDate: '2027-06-30', status: 'parzialmente_attuata' },
      MeasureReportChecked: { measureCode: 'MS1', monitoringDate: '2027-06-30', outcome: 'rettificato', status: 'non_attuata' },
      RpctReportFiguresSet: { year: 2027, whistleblowingReports: 2 },
    };
    const said = REGISTER_EVENT_TYPES.map((type) => auditSummary({ type, data: data[type], actorRole: type === 'MeasureReported' ? 'dirigente' : 'rpct' }, ptpct));
    expect(said).toEqual([
      "L'RPCT ha aggiunto il processo «C2.7.5» al registro dei rischi del PTPCT 2027-2029",
      "L'RPCT ha modificato la misura «MS1» del registro dei rischi del PTPCT 2027-2029",
      "L'RPCT ha rimosso il rischio «R1» dal registro dei rischi del PTPCT 2027-2029",
      "L'RPCT ha valutato il rischio del processo «C2.7.5» del PTPCT 2027-2029: alto",
      "L'RPCT ha fissato il metodo di valutazione del rischio del PTPCT 2027-2029",
      "L'RPCT ha fissato le date di monitoraggio delle misure del PTPCT 2027-2029",
      'Il dirigente ha rendicontato la misura «MS1» al 30/06/2027: parzialmente attuata',
      "L'RPCT ha rettificato la rendicontazione della misura «MS1» al 30/06/2027: non attuata",
      "L'RPCT ha indicato i dati della relazione annuale 2027 del PTPCT 2027-2029: 2 segnalazioni di whistleblowing",
    ]);
    expect(auditSummary({ type: 'RiskRatingMethodSet', data: { method: {}, source: 'ente', tenantVersion: 2 }, actorRole: 'dirigente' }, ptpct)).toBe(
      "Il dirigente ha fissato il metodo di valutazione del rischio del PTPCT 2027-2029: quello dell'ente, versione 2",
    );
  });

  it("words the chamber's rating method, set or brought back to ANAC's", () => {
    expect(auditSummary({ type: 'TenantRatingMethodSet', data: { method: {}, reason: 'Delibera 4/2027' }, actorRole: 'admin' }, null)).toMatch(
      /ha fissato il metodo di valutazione del rischio dell'ente: «Delibera 4\/2027»$/,
    );
    expect(auditSummary({ type: 'TenantRatingMethodSet', data: { method: {}, default: true, reason: 'PNA' }, actorRole: 'rpct' }, null)).toBe(
      "L'RPCT ha riportato il metodo di valutazione del rischio dell'ente a quello dell'ANAC (PNA 2019, Allegato 1): «PNA»",
    );
  });
});
