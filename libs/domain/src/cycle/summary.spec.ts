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
});
