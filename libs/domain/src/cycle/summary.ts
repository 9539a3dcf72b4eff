import type { CycleDefinition } from '../definitions';

/** The subject of an audit sentence: who acted, in which role. */
const ROLE_SUBJECT: Record<string, string> = {
  segretario_generale: 'Il Segretario Generale',
  rpct: "L'RPCT",
  oiv: "L'OIV",
  dirigente: 'Il dirigente',
  po: 'La Posizione organizzativa',
  rilevatore: 'Il rilevatore',
  segreteria_organi: 'La Segreteria degli organi',
  struttura_tecnica: 'La Struttura tecnica permanente',
  osservatore: "L'osservatore",
  admin: "L'amministratore",
  presidente: 'Il Presidente',
  revisori: 'Il Collegio dei revisori',
  system: 'Il sistema',
};

type Article = 'il' | 'la' | "l'";
interface NounPhrase {
  article: Article;
  noun: string;
}

/** How each cycle type is named in a sentence. */
const CYCLE_NOUN: Record<string, NounPhrase> = {
  piao: { article: 'il', noun: 'PIAO' },
  ptpct: { article: 'il', noun: 'PTPCT' },
  relazione_performance: { article: 'la', noun: 'Relazione sulla performance' },
  monitoraggio_intermedio: { article: 'il', noun: 'monitoraggio intermedio' },
  rpp: { article: 'la', noun: 'Relazione previsionale e programmatica' },
  preventivo_economico: { article: 'il', noun: 'preventivo economico' },
  budget_direzionale: { article: 'il', noun: 'budget direzionale' },
  bilancio_esercizio: { article: 'il', noun: "bilancio d'esercizio" },
  relazione_rpct: { article: 'la', noun: 'Relazione annuale RPCT' },
  smvp: { article: "l'", noun: 'aggiornamento del SMVP' },
  programma_lavori_pubblici: { article: 'il', noun: 'programma triennale dei lavori pubblici' },
  programma_mandato: { article: 'il', noun: 'programma pluriennale di mandato' },
};

const PREP: Record<'di' | 'a' | 'su', Record<Article, string>> = {
  di: { il: 'del', la: 'della', "l'": "dell'" },
  a: { il: 'al', la: 'alla', "l'": "all'" },
  su: { il: 'sul', la: 'sulla', "l'": "sull'" },
};

const ORGAN: Record<string, string> = { giunta: 'di Giunta', consiglio: 'del Consiglio', presidente: 'del Presidente' };
const CHANNEL: Record<string, string> = {
  amministrazione_trasparente: 'in Amministrazione trasparente',
  albo_camerale: "all'albo camerale",
  portale_piao: 'sul portale PIAO',
  sito_istituzionale: 'sul sito istituzionale',
};
const RECIPIENT: Record<string, string> = {
  anac: "all'ANAC",
  mef: 'al MEF',
  mimit: 'al MIMIT',
  funzione_pubblica: 'al Dipartimento della Funzione Pubblica',
  ministero_infrastrutture: 'al Ministero delle infrastrutture',
  unioncamere: 'a Unioncamere',
};

export interface SummaryCycle {
  cycleType: string;
  /** Period label or year, e.g. "2027-2029". */
  period: string;
  title: string;
}

export interface SummaryEvent {
  type: string;
  data: Record<string, unknown>;
  actorRole: string;
}

const itDate = (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : String(iso));
const quote = (v: unknown) => `«${String(v)}»`;
const fields = (d: Record<string, unknown>) => (d.fields && typeof d.fields === 'object' ? (d.fields as Record<string, unknown>) : {});

const rowsWord = (n: unknown) => (n === 1 ? '1 riga' : `${String(n)} righe`);

/** Who read the audit trail, and what: a page, an export (CSV or PDF) or the chain verification. */
function auditReadSentence(who: string, d: Record<string, unknown>): string {
  if (d.what === 'verify') return `${who} ha verificato la catena di hash del registro di audit`;
  const count = typeof d.rowCount === 'number' ? ` (${rowsWord(d.rowCount)})` : '';
  if (d.what === 'export') return `${who} ha esportato il registro di audit${typeof d.format === 'string' ? ` in ${d.format.toUpperCase()}` : ''}${count}`;
  return `${who} ha consultato il registro di audit${count}`;
}

const codeOf = (v: unknown) => (typeof v === 'string' && v ? ` ${quote(v)}` : '');
const nodeCode = (d: Record<string, unknown>) => codeOf(d.code ?? (d.node as Record<string, unknown> | undefined)?.code);
/** A role as the object of "il ruolo di …". */
const ROLE_NAME: Record<string, string> = {
  segretario_generale: 'Segretario Generale',
  rpct: 'RPCT',
  oiv: 'OIV',
  dirigente: 'dirigente',
  po: 'Posizione organizzativa',
  rilevatore: 'rilevatore',
  segreteria_organi: 'Segreteria degli organi',
  struttura_tecnica: 'Struttura tecnica permanente',
  osservatore: 'osservatore',
  admin: 'amministratore',
  presidente: 'Presidente',
  revisori: 'revisore',
};
const roleName = (r: unknown) => (typeof r === 'string' ? (ROLE_NAME[r] ?? r) : '');

/** A register item as the object of a sentence. */
const REGISTER_KIND: Record<string, string> = { process: 'il processo', risk: 'il rischio', measure: 'la misura' };

/** Sentences for the events of the plan, the process catalogue and the directory (no cycle noun needed). */
function otherSentence(who: string, type: string, d: Record<string, unknown>, of: string): string | null {
  const f = fields(d);
  const measure = () => `${codeOf(d.indicatorCode)} per il periodo ${String(d.period)}: ${String(d.value)}`;
  switch (type) {
    case 'PlanNodeAdded':
      return `${who} ha aggiunto l'elemento${nodeCode(d)} al piano${of}`;
    case 'PlanNodeUpdated':
      return `${who} ha modificato l'elemento${nodeCode(d)} del piano${of}`;
    case 'PlanNodeMoved':
      return `${who} ha spostato l'elemento${nodeCode(d)} del piano${of}${typeof d.toParentCode === 'string' ? ` sotto ${quote(d.toParentCode)}` : ''}`;
    case 'PlanNodeRemoved':
      return `${who} ha rimosso l'elemento${nodeCode(d)} dal piano${of}`;
    case 'IndicatorTargetsSet':
      return `${who} ha fissato i target degli indicatori${of}`;
    case 'IndicatorWeightsSet':
      return `${who} ha fissato i pesi degli indicatori${of}`;
    case 'PlanScoringRulesSet':
      return `${who} ha fissato le regole di misurazione${of}`;
    case 'NarrativeSectionWritten':
      return `${who} ${typeof d.text === 'string' && d.text ? 'ha scritto' : 'ha svuotato'} la sezione ${quote(d.section)}${of}`;
    case 'PlanVariationOpened':
      return `${who} ha avviato una variazione del piano${of}${typeof (d.reason ?? f.reason) === 'string' ? `: ${quote(d.reason ?? f.reason)}` : ''}`;
    case 'PlanVariationApproved':
      return `${who} ha approvato la variazione del piano${of}${typeof f.number === 'string' ? ` (deliberazione della Giunta n. ${f.number}${typeof d.monitoringCycleId === 'string' ? ', registrata nel monitoraggio intermedio' : ''})` : ''}`;
    case 'PlanVariationWithdrawn':
      return `${who} ha ritirato la variazione del piano${of}`;
    case 'MeasurementRecorded':
      return `${who} ha registrato la misurazione dell'indicatore${measure()}`;
    case 'MeasurementCorrected':
      return `${who} ha corretto la misurazione dell'indicatore${measure()} (era ${String(d.previousValue)})${typeof d.reason === 'string' ? `: ${quote(d.reason)}` : ''}`;
    case 'MeasurementYearClosed':
      return `${who} ha chiuso le misurazioni dell'anno${of}`;
    case 'TransparencyObligationAdded':
      return `${who} ha aggiunto alla griglia della trasparenza l'obbligo${codeOf((d.obligation as Record<string, unknown> | undefined)?.title)}`;
    case 'TransparencyOfficesAssigned':
      return `${who} ha indicato gli uffici dell'obbligo${codeOf(d.obligationId)}: produce ${quote(d.producerOffice)}, pubblica ${quote(d.publisherOffice)}`;
    case 'TransparencyPublicationRecorded':
      return `${who} ha registrato la pubblicazione dell'obbligo${codeOf(d.obligationId)} in Amministrazione trasparente il ${itDate(d.date)} (${String(d.url)})`;
    case 'TransparencyChangeReported':
      return `${who} ha segnalato una variazione da pubblicare per l'obbligo${codeOf(d.obligationId)} del ${itDate(d.date)}: ${quote(d.note)}`;
    case 'AttestationGridRowSet':
      return `${who} ha compilato nella griglia di rilevazione${of} la riga${codeOf(d.title)} (pubblicazione ${String(d.pubblicazione)}, completezza ${String(d.completezza)}, aggiornamento ${String(d.aggiornamento)}, formato ${String(d.formatoAperto)})`;
    case 'AttestationGridRowRemoved':
      return `${who} ha tolto dalla griglia di rilevazione${of} la riga${codeOf(d.obligationId)}`;
    case 'RegisterItemAdded': {
      const item = (d.item ?? {}) as Record<string, unknown>;
      return `${who} ha aggiunto ${REGISTER_KIND[String(item.kind)] ?? "l'elemento"}${codeOf(item.code)} al registro dei rischi${of}`;
    }
    case 'RegisterItemUpdated':
      return `${who} ha modificato ${REGISTER_KIND[String(d.kind)] ?? "l'elemento"}${codeOf(d.code)} del registro dei rischi${of}`;
    case 'RegisterItemRemoved':
      return `${who} ha rimosso ${REGISTER_KIND[String(d.kind)] ?? "l'elemento"}${codeOf(d.code)} dal registro dei rischi${of}`;
    case 'RiskAssessed':
      return `${who} ha valutato il rischio del processo${codeOf(d.processCode)}${of}: ${String(d.rating ?? '')}`;
    case 'RiskRatingMethodSet':
      return `${who} ha fissato il metodo di valutazione del rischio${of}${d.source === 'ente' ? `: quello dell'ente, versione ${String(d.tenantVersion)}` : ''}`;
    case 'TenantRatingMethodSet':
      return `${who} ha ${d.default === true ? "riportato il metodo di valutazione del rischio dell'ente a quello dell'ANAC (PNA 2019, Allegato 1)" : "fissato il metodo di valutazione del rischio dell'ente"}${typeof d.reason === 'string' ? `: ${quote(d.reason)}` : ''}`;
    case 'MeasureMonitoringDatesSet':
      return `${who} ha fissato le date di monitoraggio delle misure${of}`;
    case 'MeasureReported':
      return `${who} ha rendicontato la misura${codeOf(d.measureCode)} al ${itDate(d.monitoringDate)}: ${String(d.status ?? '').replace(/_/g, ' ')}`;
    case 'MeasureReportChecked':
      return `${who} ha ${d.outcome === 'rettificato' ? 'rettificato' : 'confermato'} la rendicontazione della misura${codeOf(d.measureCode)} al ${itDate(d.monitoringDate)}: ${String(d.status ?? '').replace(/_/g, ' ')}`;
    case 'RpctReportFiguresSet':
      return `${who} ha indicato i dati della relazione annuale ${String(d.year)}${of}: ${String(d.whistleblowingReports)} segnalazioni di whistleblowing`;
    case 'MeasurementPeriodOpened':
      return `${who} ha aperto, con il monitoraggio intermedio, la rilevazione del periodo ${String(d.period)}${of}`;
    case 'MeasurementPeriodClosed':
      return `${who} ha chiuso, con il monitoraggio intermedio, la rilevazione del periodo ${String(d.period)}${of}`;
    case 'MeasurementPeriodReopened':
      return `${who} ha riaperto, con il monitoraggio intermedio, la rilevazione del periodo ${String(d.period)}${of}`;
    case 'CatalogueProcessAdded':
      return `${who} ha aggiunto al catalogo dei processi${codeOf((d.entry as Record<string, unknown> | undefined)?.code)}`;
    case 'CatalogueProcessCardAttached':
      return `${who} ha allegato una scheda al processo${codeOf(d.code ?? d.processCode)} del catalogo`;
    case 'TenantRegistered':
      return `${who} ha registrato l'ente${codeOf(d.name)}`;
    case 'RoleGranted':
      return `${who} ha attribuito il ruolo di ${roleName(d.role)} a ${String(d.userId)}`;
    case 'RoleRevoked':
      return `${who} ha revocato il ruolo di ${roleName(d.role)} a ${String(d.userId)}`;
    case 'TenantProfileUpdated':
      // With a time zone, patron days or closures, the calendar every deadline of the body is computed with.
      return d.timeZone !== undefined || d.patronDays !== undefined || d.extraClosures !== undefined
        ? `${who} ha aggiornato i dati anagrafici e il calendario dell'ente`
        : `${who} ha aggiornato i dati anagrafici dell'ente`;
    case 'UserProfileUpdated':
      return `${who} ha aggiornato i dati di ${String(d.userId)}`;
    case 'ApiKeyIssued':
      return `${who} ha emesso la chiave API${codeOf(d.label)}`;
    case 'ApiKeyRevoked':
      return `${who} ha revocato la chiave API ${String(d.keyId)}`;
    case 'DeliberationNumberReserved':
      return `${who} ha riservato il numero ${quote(d.number)} per una deliberazione ${ORGAN[String(d.organ)] ?? ''} del ${String(d.year)}`.replace(/ {2}/g, ' ');
    case 'CalendarFeedCreated':
      return `${who} ha creato un indirizzo personale del calendario delle scadenze`;
    case 'CalendarFeedRevoked':
      return `${who} ha revocato un indirizzo personale del calendario delle scadenze`;
    default:
      return null;
  }
}

/** Another cycle named in a sentence, with a preposition: "al PIAO 2027", "dalla Relazione sulla performance 2027". */
function otherCycle(type: unknown, year: unknown, p: 'a' | 'da'): string {
  const np = CYCLE_NOUN[String(type)] ?? { article: 'il', noun: `ciclo ${String(type)}` };
  const prep = p === 'a' ? PREP.a[np.article] : { il: 'dal', la: 'dalla', "l'": "dall'" }[np.article];
  return `${prep}${np.article === "l'" ? '' : ' '}${np.noun} ${String(year)}`;
}

/**
 * A readable Italian sentence for an audit-trail row, e.g.
 * "Il Segretario Generale ha approvato il PIAO 2027-2029".
 */
export function auditSummary(event: SummaryEvent, cycle: SummaryCycle | null, definition?: CycleDefinition): string {
  const who = ROLE_SUBJECT[event.actorRole] ?? `Chi ha il ruolo ${event.actorRole}`;
  const np: NounPhrase = cycle ? (CYCLE_NOUN[cycle.cycleType] ?? { article: 'il', noun: `ciclo ${quote(cycle.title)}` }) : { article: 'il', noun: 'ciclo' };
  const noun = cycle ? `${np.noun} ${cycle.period}`.trim() : np.noun;
  const obj = `${np.article === "l'" ? "l'" : `${np.article} `}${noun}`;
  const with_ = (p: 'di' | 'a' | 'su') => `${PREP[p][np.article]}${np.article === "l'" ? '' : ' '}${noun}`;
  const d = event.data;
  const f = fields(d);
  const reason = typeof f.reason === 'string' ? f.reason : typeof d.reason === 'string' ? d.reason : null;
  const why = reason ? `: ${quote(reason)}` : '';

  switch (event.type) {
    case 'CycleOpened':
      return `${who} ha aperto ${obj}`;
    case 'DocumentAttached':
      return `${who} ha allegato ${quote(d.name)} ${with_('a')}`;
    case 'CommentAdded':
      return `${who} ha commentato ${obj}`;
    case 'CycleCancelled':
      return `${who} ha annullato ${obj}${why}`;
    case 'CycleMigrated':
      return `${who} ha aggiornato ${obj} alla versione ${String(d.toVersion)} della definizione`;
    case 'DeadlineMoved':
      return `${who} ha spostato la scadenza ${quote(d.deadlineId)} ${with_('di')} al ${itDate(d.toDate)}${why}`;
    case 'CycleLinked':
      return d.mode === 'command'
        ? `${who} ha collegato ${obj} ${otherCycle(d.targetType, d.targetYear, 'a')}${d.previousTargetCycleId ? ' (in sostituzione del precedente)' : ''}${why}`
        : `Il sistema ha collegato ${obj} ${otherCycle(d.targetType, d.targetYear, 'a')}`;
    case 'CycleLinkedFrom':
      return `Il sistema ha registrato il collegamento ${otherCycle(d.sourceType, d.sourceYear, 'da')} ${with_('a')}`;
    case 'CycleUnlinkedFrom':
      return `Il sistema ha registrato la rimozione del collegamento ${otherCycle(d.sourceType, d.sourceYear ?? '', 'da')} ${with_('a')}`.replace(/ {2}/g, ' ');
    case 'LinkedEventRecorded':
      return `Il sistema ha registrato ${with_('su')} l'atto del ${itDate(d.date)} del ciclo collegato (${String(d.event)}), da cui decorre una scadenza`;
    case 'DeadlineRuleSwitched':
      return d.active === true
        ? `${who} ha attivato il differimento della scadenza ${quote(d.deadlineId)} ${with_('di')} (${String(d.reference)})${why}`
        : `${who} ha disattivato il differimento della scadenza ${quote(d.deadlineId)} ${with_('di')}${why}`;
    case 'ReminderSent':
      return `Il sistema ha inviato un promemoria ${with_('di')}${d.deadlineId ? ` per la scadenza ${quote(d.deadlineId)}` : ''}`;
    case 'ValidatedByOiv':
      return `${who} ha validato ${obj}`;
    case 'OivOpinionGiven':
      return `${who} ha espresso parere favorevole ${with_('su')}`;
    case 'NegativeOivOpinionGiven':
      return `${who} ha espresso parere negativo ${with_('su')}${why}`;
    case 'AuditorsReportRecorded':
      return `${who} ha registrato la relazione dei revisori ${with_('su')}`;
    case 'AuditTrailRead':
      return auditReadSentence(who, d);
    case 'AuditAnchorPublished':
      return `${who} ha pubblicato l'ancoraggio del registro: sigillo n. ${String(d.seq)}, integro fino alla posizione ${String(d.position)}${typeof d.signature === 'string' ? ', firmato' : ''}`;
    case 'AuditChainVerified':
      return d.intact === true
        ? `${who} ha verificato la catena di hash del registro: integra fino alla posizione ${String(d.intactUpTo)}`
        : `${who} ha verificato la catena di hash del registro: anomalia alla posizione ${String((d.firstBad as Record<string, unknown> | undefined)?.position ?? '?')} (${String((d.firstBad as Record<string, unknown> | undefined)?.problem ?? 'sconosciuta')})`;
    default: {
      const other = otherSentence(who, event.type, d, cycle ? ` ${with_('di')}` : '');
      if (other) return other;
      break;
    }
  }
  switch (d.kind) {
    case 'submission':
      return `${who} ha inviato ${obj}`;
    case 'withdrawal':
      return `${who} ha ritirato l'invio ${with_('di')}`;
    case 'request_changes':
      return `${who} ha chiesto modifiche ${with_('a')}${why}`;
    case 'approval':
      return `${who} ha approvato ${obj}`;
    case 'deliberation':
      return `${who} ha registrato la deliberazione ${ORGAN[String(d.organ)] ?? ''} n. ${String(f.number)} del ${itDate(f.date)} ${with_('su')}`.replace(/ {2}/g, ' ');
    case 'publication':
      return `${who} ha pubblicato ${obj} ${CHANNEL[String(f.channel)] ?? ''}`.trim();
    case 'validation':
      return `${who} ha validato ${obj}`;
    case 'refusal':
      return `${who} ha rifiutato la validazione ${with_('di')}${why}`;
    case 'transmission':
      return `${who} ha trasmesso ${obj} ${RECIPIENT[String(f.recipient)] ?? ''}`.trim();
    case 'plain': {
      const t = definition?.transitions.find((x) => x.event === event.type);
      return `${who} ha eseguito ${quote(t?.title ?? event.type)} ${with_('su')}`;
    }
    default:
      return `${who} ha registrato l'evento ${event.type}${cycle ? ` ${with_('su')}` : ''}`;
  }
}
