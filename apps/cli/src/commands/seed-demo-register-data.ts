/**
 * The demo chamber's risk register for its PTPCT 2021-2023: illustrative content written for the
 * demo (not drawn from the chamber's documents), on processes of the curated mapping
 * (seeds/catalogue/processi-anticorruzione.json), whose titles, areas and offices it takes from there.
 * Indicators of ANAC's method (PNA 2019, Allegato 1), each with its reason.
 */
type Level = 'basso' | 'medio' | 'alto';
/** Levels and reasons of the six key indicators, in the order of the method. */
type Indicators = [Level, string][];

export interface DemoProcess {
  /** Catalogue code (the mapping's `catalogueCode`) */
  code: string;
  risks: { description: string; factors: string[] }[];
  indicators: Indicators;
  rating: Level;
  motivation: string;
}

export const DEMO_PROCESSES: DemoProcess[] = [
  {
    code: 'B1.1.1',
    risks: [
      { description: 'Requisiti di accesso e criteri di valutazione del bando definiti su misura per favorire un candidato', factors: ['discrezionalità nella definizione dei requisiti', 'criteri di valutazione non predeterminati'] },
      { description: 'Commissione di concorso con componenti in conflitto di interessi con i candidati', factors: ['dichiarazioni dei commissari non verificate'] },
    ],
    indicators: [
      ['alto', "L'assunzione è un vantaggio rilevante per i candidati"],
      ['medio', 'Requisiti e criteri sono fissati dal bando entro i limiti del regolamento'],
      ['basso', 'Nessun evento corruttivo né segnalazione negli ultimi cinque anni'],
      ['medio', 'Bandi e graduatorie pubblicati; i verbali della commissione no'],
      ['basso', 'Il responsabile ha fornito dati completi per la mappatura'],
      ['medio', 'Le misure del piano precedente sono attuate in parte'],
    ],
    rating: 'medio',
    motivation: 'Interesse esterno alto, ma procedure regolate e pubblicate: il rischio resta medio con misure su requisiti e commissioni.',
  },
  {
    code: 'B2.1.1',
    risks: [
      { description: "Frazionamento artificioso degli affidamenti per restare sotto la soglia dell'affidamento diretto", factors: ['programmazione degli acquisti carente', 'controlli scarsi sugli affidamenti sotto soglia'] },
      { description: 'Affidamenti diretti ripetuti allo stesso operatore senza rotazione', factors: ['mercato locale ristretto', 'albo fornitori non aggiornato'] },
    ],
    indicators: [
      ['alto', 'Contratti di valore economico per gli operatori del territorio'],
      ['alto', "Scelta dell'operatore discrezionale negli affidamenti diretti"],
      ['medio', 'Un rilievo del Collegio dei revisori nel 2019 su affidamenti ripetuti'],
      ['medio', 'Determine pubblicate, ma senza motivazione della scelta del contraente'],
      ['basso', 'Il Provveditorato ha collaborato alla mappatura'],
      ['medio', 'Albo fornitori in aggiornamento'],
    ],
    rating: 'alto',
    motivation: 'Discrezionalità alta negli affidamenti diretti e un precedente rilievo: rischio alto, con controlli periodici sugli affidamenti.',
  },
  {
    code: 'C1.1.1',
    risks: [{ description: "Evasione di una pratica fuori dall'ordine cronologico per favorire un utente", factors: ['assegnazione manuale delle pratiche'] }],
    indicators: [
      ['medio', 'Tempi di iscrizione rilevanti per alcune imprese'],
      ['basso', 'Attività vincolata dalla legge'],
      ['basso', 'Nessun evento corruttivo noto'],
      ['basso', 'Stato delle pratiche consultabile dalle imprese'],
      ['basso', 'Collaborazione piena del conservatore'],
      ['medio', 'Estrazione delle pratiche fuori ordine da avviare'],
    ],
    rating: 'basso',
    motivation: 'Attività vincolata e tracciata dal sistema: rischio basso; si controlla l’ordine di evasione.',
  },
  {
    code: 'C2.6.1',
    risks: [{ description: 'Cancellazione di un protesto senza la documentazione del pagamento', factors: ['controllo di un solo addetto'] }],
    indicators: [
      ['alto', 'La cancellazione restituisce al debitore l’accesso al credito'],
      ['basso', 'Requisiti fissati dalla legge'],
      ['basso', 'Nessun evento noto'],
      ['medio', 'Esito comunicato al solo richiedente'],
      ['basso', 'Ufficio collaborativo'],
      ['medio', 'Doppia verifica non ancora prevista'],
    ],
    rating: 'medio',
    motivation: 'Forte interesse del richiedente su una verifica svolta da un solo addetto: rischio medio.',
  },
  {
    code: 'C2.2.3',
    risks: [{ description: 'Verbale di chiusura del concorso a premio redatto senza verificare l’assegnazione dei premi', factors: ['verifiche non standardizzate'] }],
    indicators: [
      ['alto', 'Vantaggi economici per le imprese promotrici'],
      ['medio', 'Margini di valutazione del funzionario presente'],
      ['basso', 'Nessun evento noto'],
      ['medio', 'Verbali non pubblicati'],
      ['basso', 'Ufficio collaborativo'],
      ['medio', 'Check list in preparazione'],
    ],
    rating: 'medio',
    motivation: 'Interesse economico alto dei promotori, controlli affidati al singolo funzionario: rischio medio.',
  },
  {
    code: 'C2.4.1',
    risks: [{ description: 'Archiviazione del verbale o riduzione della sanzione senza motivazione', factors: ['discrezionalità nella quantificazione', 'assenza di visto del dirigente'] }],
    indicators: [
      ['alto', 'La riduzione della sanzione è un vantaggio diretto per il trasgressore'],
      ['alto', 'Ampia discrezionalità tra minimo e massimo edittale'],
      ['medio', 'Un esposto nel 2020, archiviato'],
      ['medio', 'Ordinanze non pubblicate'],
      ['basso', 'Ufficio collaborativo'],
      ['alto', 'Nessuna misura specifica finora'],
    ],
    rating: 'alto',
    motivation: 'Discrezionalità alta e nessuna misura specifica finora: rischio alto.',
  },
  {
    code: 'D6.1.4',
    risks: [
      { description: 'Concessione di contributi a imprese prive dei requisiti del bando', factors: ['istruttoria di un solo addetto', 'autocertificazioni non verificate'] },
      { description: 'Controlli a campione sulle rendicontazioni non eseguiti o non verbalizzati', factors: ['carichi di lavoro', 'nessuna estrazione casuale'] },
    ],
    indicators: [
      ['alto', 'Contributi a fondo perduto alle imprese'],
      ['medio', 'Graduatorie per criteri del bando, con valutazioni di merito'],
      ['medio', 'Restituzione di un contributo indebito nel 2019'],
      ['medio', 'Graduatorie pubblicate; esiti dei controlli no'],
      ['basso', 'Ufficio collaborativo'],
      ['medio', 'Controlli a campione previsti ma non verbalizzati'],
    ],
    rating: 'alto',
    motivation: 'Vantaggi economici diretti e un precedente di contributo indebito: rischio alto.',
  },
  {
    code: 'D1.2.1',
    risks: [{ description: 'Rilascio del certificato di origine senza verifica dei documenti commerciali', factors: ['volumi elevati allo sportello'] }],
    indicators: [
      ['medio', 'Il certificato serve alle esportazioni delle imprese'],
      ['basso', 'Attività vincolata'],
      ['basso', 'Nessun evento noto'],
      ['basso', 'Procedura telematica tracciata'],
      ['basso', 'Ufficio collaborativo'],
      ['basso', 'Verifiche già in uso'],
    ],
    rating: 'basso',
    motivation: 'Attività vincolata e tracciata: rischio basso.',
  },
];

const SG = { office: 'Affari generali', dirigente: 'Giulia Esempio' };
const SA = { office: 'Risorse umane e patrimonio', dirigente: 'Andrea Campione' };
const MERCATO = { office: 'Armonizzaz. e tutela del mercato', dirigente: 'Andrea Campione' };

export const DEMO_MEASURES: Record<string, unknown>[] = [
  { code: 'MG-TRASP', measureKind: 'generale', category: 'trasparenza', title: 'Pubblicazione nei termini degli obblighi di Amministrazione trasparente', riskCodes: ['B2.1.1-R1', 'D6.1.4-R1'], owner: SG, phases: [{ title: 'Aggiornamento della griglia degli obblighi e dei responsabili', deadline: '2021-03-31' }, { title: 'Verifica semestrale degli obblighi pubblicati', deadline: '2021-09-30' }], indicator: 'Obblighi aggiornati nei termini / obblighi della griglia', target: '100%' },
  { code: 'MG-FORM', measureKind: 'generale', category: 'formazione', title: 'Formazione su anticorruzione ed etica pubblica', riskCodes: ['C1.1.1-R1', 'C2.6.1-R1'], owner: SG, phases: [{ title: 'Corso base per tutto il personale', deadline: '2021-06-30' }, { title: 'Corso specifico per le aree a rischio alto', deadline: '2021-11-30' }], indicator: 'Dipendenti formati / dipendenti in servizio', target: 'almeno 90%' },
  { code: 'MG-ROT', measureKind: 'generale', category: 'rotazione', title: 'Rotazione dei responsabili di istruttoria nelle aree a rischio alto o segregazione delle funzioni', riskCodes: ['C2.4.1-R1', 'D6.1.4-R2'], owner: SG, phases: [{ title: 'Piano di rotazione approvato dal Segretario generale', deadline: '2021-06-30' }], indicator: 'Istruttorie delle aree a rischio alto con doppia firma / istruttorie', target: '100%' },
  { code: 'MG-CONF', measureKind: 'generale', category: 'conflitto_interessi', title: 'Dichiarazioni di assenza di conflitto di interessi di commissari e RUP, verificate a campione', riskCodes: ['B1.1.1-R2', 'B2.1.1-R2'], owner: SA, phases: [{ title: 'Modulo unico di dichiarazione', deadline: '2021-03-31' }, { title: 'Verifica a campione delle dichiarazioni', deadline: '2021-12-15' }], indicator: 'Dichiarazioni verificate / dichiarazioni rese', target: 'almeno 10%' },
  { code: 'MG-WB', measureKind: 'generale', category: 'whistleblowing', title: 'Piattaforma per le segnalazioni di illeciti con tutela della riservatezza', riskCodes: [], owner: SG, phases: [{ title: 'Attivazione della piattaforma e informativa al personale', deadline: '2021-04-30' }], indicator: 'Piattaforma attiva e informativa inviata', target: 'sì' },
  { code: 'MS-B1.1.1', measureKind: 'specifica', category: 'regolamentazione', title: 'Bandi di concorso su modelli standard approvati dal Segretario generale', riskCodes: ['B1.1.1-R1'], owner: SA, phases: [{ title: 'Adozione dei modelli di bando', deadline: '2021-05-31' }], indicator: 'Bandi sul modello standard / bandi pubblicati', target: '100%' },
  { code: 'MS-B2.1.1', measureKind: 'specifica', category: 'controllo', title: 'Verifica semestrale degli affidamenti diretti allo stesso operatore o per lo stesso oggetto', riskCodes: ['B2.1.1-R1', 'B2.1.1-R2'], owner: SA, phases: [{ title: 'Primo report semestrale al RPCT', deadline: '2021-07-31' }, { title: 'Secondo report semestrale al RPCT', deadline: '2021-12-31' }], indicator: 'Report semestrali trasmessi al RPCT', target: '2' },
  { code: 'MS-C1.1.1', measureKind: 'specifica', category: 'controllo', title: 'Estrazione mensile delle pratiche evase fuori ordine cronologico', riskCodes: ['C1.1.1-R1'], owner: { office: 'Registro imprese', dirigente: 'Giulia Esempio' }, phases: [{ title: 'Prima estrazione e verifica delle motivazioni', deadline: '2021-04-30' }], indicator: 'Estrazioni mensili eseguite', target: '12 all’anno' },
  { code: 'MS-C2.6.1', measureKind: 'specifica', category: 'controllo', title: 'Doppia verifica della documentazione di pagamento prima della cancellazione del protesto', riskCodes: ['C2.6.1-R1'], owner: MERCATO, phases: [{ title: 'Istruzione operativa sulla doppia verifica', deadline: '2021-04-30' }], indicator: 'Cancellazioni con doppia verifica / cancellazioni', target: '100%' },
  { code: 'MS-C2.2.3', measureKind: 'specifica', category: 'definizione_standard', title: 'Check list dei controlli per la chiusura dei concorsi a premio', riskCodes: ['C2.2.3-R1'], owner: MERCATO, phases: [{ title: 'Adozione della check list', deadline: '2021-05-31' }], indicator: 'Verbali di chiusura con check list / verbali', target: '100%' },
  { code: 'MS-C2.4.1', measureKind: 'specifica', category: 'controllo', title: 'Motivazione obbligatoria e visto del dirigente su archiviazioni e riduzioni delle sanzioni', riskCodes: ['C2.4.1-R1'], owner: MERCATO, phases: [{ title: 'Modello di ordinanza con motivazione e visto', deadline: '2021-04-30' }], indicator: 'Archiviazioni e riduzioni con visto / totale', target: '100%' },
  { code: 'MS-D6.1.4', measureKind: 'specifica', category: 'controllo', title: 'Controlli a campione sul 10% delle rendicontazioni dei contributi, con estrazione casuale verbalizzata', riskCodes: ['D6.1.4-R1', 'D6.1.4-R2'], owner: { office: 'Promozione economica', dirigente: 'Andrea Campione' }, phases: [{ title: 'Estrazione del campione dei bandi del primo semestre', deadline: '2021-09-30' }, { title: 'Verbale dei controlli dell’anno', deadline: '2021-12-31' }], indicator: 'Rendicontazioni controllate / rendicontazioni', target: 'almeno 10%' },
  { code: 'MS-D1.2.1', measureKind: 'specifica', category: 'controllo', title: 'Verifica a campione dei documenti commerciali delle richieste di certificati di origine', riskCodes: ['D1.2.1-R1'], owner: { office: 'Promozione economica', dirigente: 'Andrea Campione' }, phases: [{ title: 'Avvio delle verifiche a campione', deadline: '2021-03-31' }], indicator: 'Richieste verificate / richieste', target: 'almeno 5%' },
];

export const DEMO_MONITORING_DATES = ['2021-06-30', '2021-12-15'];

type Status = 'attuata' | 'parzialmente_attuata' | 'non_attuata';
/** What the dirigenti reported at each monitoring date. MG-ROT has no June report: the late measure. */
export const DEMO_REPORTS: Record<string, [string, Status, string][]> = {
  '2021-06-30': [
    ['MG-TRASP', 'parzialmente_attuata', 'Griglia aggiornata con determinazione del Segretario generale n. 41/2021; verifica semestrale a settembre'],
    ['MG-FORM', 'parzialmente_attuata', 'Corso base del 15/06/2021: 61 dipendenti su 68; corso specifico in autunno'],
    ['MG-CONF', 'parzialmente_attuata', 'Modulo unico in uso dal 01/03/2021; verifiche a campione a novembre'],
    ['MG-WB', 'attuata', 'Piattaforma attiva dal 26/04/2021; informativa inviata a tutto il personale'],
    ['MS-B1.1.1', 'attuata', 'Modelli di bando approvati con determinazione n. 55/2021'],
    ['MS-B2.1.1', 'parzialmente_attuata', 'Estrazione degli affidamenti del semestre in corso'],
    ['MS-C1.1.1', 'attuata', 'Estrazioni mensili da aprile: 3 pratiche fuori ordine, tutte motivate'],
    ['MS-C2.6.1', 'attuata', 'Istruzione operativa n. 2/2021; doppia verifica su tutte le 48 cancellazioni'],
    ['MS-C2.2.3', 'attuata', 'Check list adottata il 20/05/2021 e usata in 12 chiusure'],
    ['MS-C2.4.1', 'parzialmente_attuata', 'Modello di ordinanza in bozza'],
    ['MS-D6.1.4', 'parzialmente_attuata', 'Campione dei bandi del primo semestre da estrarre'],
    ['MS-D1.2.1', 'attuata', 'Verificate 64 richieste su 1.120 (5,7%)'],
  ],
  '2021-12-15': [
    ['MG-TRASP', 'attuata', 'Verifica semestrale del 28/09/2021: tutti gli obblighi aggiornati'],
    ['MG-FORM', 'attuata', 'Corso specifico del 18/11/2021: 18 dipendenti delle aree a rischio alto'],
    ['MG-ROT', 'parzialmente_attuata', 'Rotazione attuata nell’ufficio sanzioni; nel Registro imprese segregazione delle funzioni non ancora formalizzata'],
    ['MG-CONF', 'attuata', 'Verificate 9 dichiarazioni su 74 (12%), nessuna irregolarità'],
    ['MG-WB', 'attuata', 'Piattaforma attiva; una segnalazione ricevuta'],
    ['MS-B1.1.1', 'attuata', 'Due bandi pubblicati, entrambi sul modello standard'],
    ['MS-B2.1.1', 'attuata', 'Report semestrali trasmessi il 30/07/2021 e il 10/12/2021'],
    ['MS-C1.1.1', 'attuata', 'Estrazioni mensili regolari'],
    ['MS-C2.6.1', 'attuata', 'Doppia verifica su tutte le 97 cancellazioni dell’anno'],
    ['MS-C2.2.3', 'attuata', 'Check list usata in tutte le 27 chiusure'],
    ['MS-C2.4.1', 'attuata', 'Modello di ordinanza adottato il 15/07/2021; visto su tutte le archiviazioni'],
    ['MS-D6.1.4', 'attuata', 'Verbale dei controlli del 09/12/2021: 14 rendicontazioni su 130, una revoca'],
    ['MS-D1.2.1', 'attuata', 'Verificate 131 richieste su 2.260 (5,8%)'],
  ],
};

/** The RPCT's checks: confirmations, and one report corrected. */
export const DEMO_CHECKS: Record<string, [string, 'confermato' | 'rettificato', Status | null, string | null][]> = {
  '2021-06-30': [
    ['MG-WB', 'confermato', null, null],
    ['MS-B1.1.1', 'confermato', null, null],
    ['MS-C2.4.1', 'rettificato', 'non_attuata', 'Il modello di ordinanza è ancora in bozza e le 4 archiviazioni del semestre non hanno il visto del dirigente'],
  ],
  '2021-12-15': [
    ['MG-ROT', 'confermato', null, 'Da completare nel piano 2022 con la segregazione delle funzioni nel Registro imprese'],
    ['MS-D6.1.4', 'confermato', null, null],
  ],
};

export const DEMO_FIGURES = {
  year: 2021,
  whistleblowingReports: 1,
  training: 'Corso base su anticorruzione ed etica pubblica (61 dipendenti, 3 ore); corso specifico per le aree a rischio alto (18 dipendenti, 6 ore)',
};
