/**
 * Italian for the `problem` of a refused field. Problems are written in English by the decider and
 * the request validation ("is required", "must be at most 4000 characters"...); the API adds the
 * Italian beside them (`problemIt`) and in `messageIt`, and the console shows it next to the field.
 */
const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^is required$/, () => 'è obbligatorio'],
  [/^must not be empty$/, () => 'non può essere vuoto'],
  [/^must be at most (\d+) characters$/, (m) => `può contenere al massimo ${m[1]} caratteri`],
  [/^must be (\d+) to (\d+) characters$/, (m) => `deve contenere da ${m[1]} a ${m[2]} caratteri`],
  [/^must be a string$/, () => 'deve essere un testo'],
  [/^must be an integer$/, () => 'deve essere un numero intero'],
  [/^must be a finite number$/, () => 'deve essere un numero'],
  [/^must be true or false$/, () => 'deve essere sì o no'],
  [/^must be a date YYYY-MM-DD$/, () => 'deve essere una data valida (gg/mm/aaaa)'],
  [/^must be an ISO 8601 date-time with offset$/, () => 'deve essere una data e ora valida'],
  [/^must be an http\(s\) URL$/, () => 'deve essere un indirizzo web (http o https)'],
  [/^must be a SHA-256 in 64 hex digits$/, () => "deve essere un'impronta SHA-256 (64 cifre esadecimali)"],
  [/^must be one of: (.*)$/, (m) => `deve essere uno tra: ${m[1]}`],
  [/^is not a field of this command$/, () => 'non è un campo di questo comando'],
  [/^is not an accepted field$/, () => 'non è un campo ammesso'],
  [/^must be a version between 1 and (\d+)$/, (m) => `deve essere una versione tra 1 e ${m[1]}`],
  [/^must be a role you hold$/, () => "deve essere un ruolo attribuito all'utente"],
  [/^is required with the other$/, () => "va indicato insieme all'altro estremo"],
  [/^must be the non-empty file content$/, () => 'deve contenere il file (non vuoto)'],
  [/^is required \(1-255 characters, URL-encoded\)$/, () => 'è obbligatorio (da 1 a 255 caratteri)'],
  [/^must be URL-encoded text$/, () => 'deve essere un testo codificato per URL'],
  [/^must be a JSON object$/, () => 'deve essere un oggetto JSON'],
  [/^must be between 1 and (\d+) bytes$/, (m) => `deve essere tra 1 e ${m[1]} byte`],
  [/^must be a media type/, () => 'deve essere un tipo di contenuto (ad esempio application/pdf)'],
  [/^must be an integer between (\d+) and (\d+)$/, (m) => `deve essere un numero intero tra ${m[1]} e ${m[2]}`],
  [/^must not contain NUL characters or unpaired UTF-16 surrogates$/, () => 'contiene caratteri non ammessi (il carattere NUL o un surrogato UTF-16 isolato)'],
  [/^must be an https URL$/, () => 'deve essere un indirizzo web https'],
  [/^must not be after (\d{4})-(\d{2})-(\d{2})$/, (m) => `non può essere successiva al ${m[3]}/${m[2]}/${m[1]}`],
  [/^is not an obligation of the grid$/, () => 'non è un obbligo della griglia della Camera'],
  [/^must be 0 or 2$/, () => 'deve essere 0 o 2'],
  [/^is not a row of the grid$/, () => 'non è una riga della griglia di rilevazione'],
  [/^must be 1 to 80 lower-case letters, digits and dashes$/, () => 'deve contenere da 1 a 80 lettere minuscole, cifre e trattini'],
  [/^is not a known version of this cycle type$/, () => 'non è una versione nota di questo tipo di ciclo'],
  [/^is not a cursor returned by GET (\S+)/, (m) => `non è un cursore restituito da GET ${m[1]}`],
  [/^must not be given with (\S+)$/, (m) => `non va indicato insieme a ${m[1]}`],
  [/^must be an IANA time zone such as (\S+)$/, (m) => `deve essere un fuso orario IANA, ad esempio ${m[1]}`],
  [/^Invalid patron day: month (-?[\d.]+), day (-?[\d.]+)$/, (m) => `giorno del patrono non valido: mese ${m[1]}, giorno ${m[2]}`],
  [/^A patron day needs a name$/, () => 'ogni giorno del patrono deve avere un nome'],
  [/^Patron day (.+): legalHoliday must be a boolean$/, (m) => `giorno del patrono ${m[1]}: legalHoliday deve essere sì o no`],
  [/^Invalid closure date: (.+)$/, (m) => `data di chiusura non valida: ${m[1]}`],
  [/^at most (\d+)$/, (m) => `al massimo ${m[1]}`],
];

export function fieldProblemIt(problem: string): string {
  for (const [re, it] of PATTERNS) {
    const m = problem.match(re);
    if (m) return it(m);
  }
  return `valore non valido (${problem})`;
}

/** "reason: è obbligatorio; date: deve essere una data valida" — the detail of a refusal in Italian. */
export function fieldProblemsIt(fields: readonly { field: string; problem: string }[]): string {
  return fields.map((f) => `${f.field}: ${fieldProblemIt(f.problem)}`).join('; ');
}
