/** Everything the console says in Italian that does not come from the cycle definitions. */
import { REFUSALS } from '../../../libs/domain/src/cycle/errors';
import { IDENTITY_REFUSALS } from '../../../libs/identity/src/errors';
import { fieldProblemIt as problemIt } from '../../../libs/domain/src/cycle/problems-it';

export { ROLE_LABELS, roleLabel } from '../../../libs/domain/src/cycle/roles-it';

/** Errors of the HTTP layer (not domain refusals), in Italian. */
const HTTP_ERRORS: Record<string, string> = {
  UNAUTHENTICATED: 'Sessione scaduta o non valida: accedere di nuovo',
  CSRF_REJECTED: 'Richiesta rifiutata per sicurezza: ricaricare la pagina e riprovare',
  RATE_LIMITED: 'Troppe richieste in poco tempo: attendere qualche secondo e riprovare',
  INVALID_REQUEST: 'Richiesta non valida: controllare i campi evidenziati',
  BAD_REQUEST: 'Richiesta non valida',
  MALFORMED_JSON: 'Richiesta non leggibile dal server',
  BODY_TOO_LARGE: 'Il contenuto inviato è troppo grande',
  UNSUPPORTED_ENCODING: 'Codifica del contenuto non supportata',
  UNSUPPORTED_MEDIA_TYPE: 'Tipo di contenuto non supportato',
  NOT_FOUND: 'Elemento non trovato',
  INTERNAL_ERROR: 'Errore interno del server: riprovare; se persiste, segnalarlo indicando il codice di correlazione',
  PROJECTION_BEHIND: 'I dati sono in aggiornamento: riprovare tra qualche istante',
  CHAIN_VERIFICATION_UNAVAILABLE: 'La verifica del registro non è disponibile in questo momento',
  AUDIT_VERIFY_NOT_ALLOWED: 'Solo RPCT, OIV e amministratori possono verificare il registro',
  AUDIT_ANCHORS_NOT_ALLOWED: 'Solo RPCT, OIV e amministratori possono vedere gli ancoraggi pubblicati',
  AUDIT_EXPORT_TOO_LARGE: "L'esportazione è troppo grande: restringere i filtri",
  CONCURRENT_MODIFICATION: 'Il ciclo è stato modificato nel frattempo: ricaricare e riprovare',
  IDEMPOTENCY_KEY_REUSED: 'Questa richiesta è già stata inviata con un contenuto diverso',
  INVALID_TEXT: 'Il testo contiene caratteri non ammessi',
  NOTIFICATION_NOT_FOUND: 'Notifica inesistente',
  NETWORK: 'Il server non risponde: controllare la connessione e riprovare',
  HTTP_401: 'Autenticazione richiesta: accedere di nuovo',
  HTTP_403: 'Operazione non consentita',
  HTTP_405: 'Operazione non ammessa su questo indirizzo',
  HTTP_413: 'Il contenuto inviato è troppo grande',
  HTTP_422: 'Richiesta non accettata dalle regole del ciclo',
  HTTP_429: 'Troppe richieste in poco tempo: attendere qualche secondo e riprovare',
  HTTP_502: 'Servizio momentaneamente non raggiungibile: riprovare tra poco',
  HTTP_404: 'Elemento non trovato',
  HTTP_409: 'Conflitto con lo stato attuale: ricaricare e riprovare',
  HTTP_500: 'Errore interno del server',
  HTTP_503: 'Servizio momentaneamente non disponibile: riprovare tra poco',
};

/** Italian for every error code the API can answer (domain and identity refusals included). */
export const ERROR_MESSAGES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(REFUSALS).map(([k, v]) => [k, v.it])),
  ...Object.fromEntries(Object.entries(IDENTITY_REFUSALS).map(([k, v]) => [k, v.it])),
  ...HTTP_ERRORS,
};

/** The Italian message of an error: the API's own detail in Italian when it gives one. */
export function errorMessageIt(code: string, messageIt?: string, _detail?: string): string {
  return messageIt ?? ERROR_MESSAGES[code] ?? `Errore (${code})`;
}

/** Italian for the `problem` of a field the API refused (the API sends `problemIt` too; this covers older answers). */
export function fieldProblemIt(problem: string, given?: string): string {
  return given ?? problemIt(problem);
}

const TZ = 'Europe/Rome';
const dateFmt = new Intl.DateTimeFormat('it-IT', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('it-IT', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** `gg/mm/aaaa`; a bare `YYYY-MM-DD` is a calendar date (no time zone shift). */
export function formatDate(v: string | Date | undefined | null): string {
  if (!v) return '—';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = typeof v === 'string' ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? String(v) : dateFmt.format(d);
}

/** `gg/mm/aaaa hh:mm`, Europe/Rome. */
export function formatDateTime(v: string | Date | undefined | null): string {
  if (!v) return '—';
  const d = typeof v === 'string' ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? String(v) : dateTimeFmt.format(d);
}

/** Today's date in Rome as `YYYY-MM-DD`. */
export function todayInRome(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
}

/** Whole days from today (Rome) to a `YYYY-MM-DD` date: negative when past. */
export function daysFromToday(date: string): number {
  const [ty, tm, td] = todayInRome().split('-').map(Number);
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(ty, tm - 1, td)) / 86_400_000);
}

/** "tra 3 giorni", "oggi", "scaduta da 2 giorni". */
export function daysLeftLabel(days: number): string {
  if (days === 0) return 'scade oggi';
  if (days === 1) return 'scade domani';
  if (days > 1) return `tra ${days} giorni`;
  if (days === -1) return 'scaduta da 1 giorno';
  return `scaduta da ${-days} giorni`;
}

export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toLocaleString('it-IT', { maximumFractionDigits: 1 })} KB` : `${(n / 1024 / 1024).toLocaleString('it-IT', { maximumFractionDigits: 1 })} MB`;
