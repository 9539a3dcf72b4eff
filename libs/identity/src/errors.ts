/** A field that failed validation (same shape as the API's `fields`). */
export interface IdentityFieldProblem {
  field: string;
  problem: string;
}

export const IDENTITY_REFUSALS = {
  INVALID_REQUEST: { status: 400, en: 'Invalid request', it: 'Richiesta non valida' },
  ROLE_NOT_ALLOWED: {
    status: 403,
    en: 'Role not allowed for this operation',
    it: 'Ruolo non autorizzato per questa operazione',
  },
  SELF_GRANT: {
    status: 403,
    en: 'Nobody grants or revokes their own roles',
    it: 'Nessuno può attribuire o revocare ruoli a sé stesso',
  },
  TENANT_NOT_FOUND: { status: 404, en: 'No such tenant', it: 'Ente inesistente' },
  USER_NOT_FOUND: { status: 404, en: 'No such user in this tenant', it: "Utente inesistente nell'ente" },
  ROLE_NOT_GRANTED: {
    status: 404,
    en: 'The user holds no current or future grant of this role',
    it: "Il ruolo non è attribuito all'utente",
  },
  API_KEY_NOT_FOUND: { status: 404, en: 'No such API key', it: 'Chiave API inesistente' },
  CALENDAR_FEED_NOT_FOUND: {
    status: 404,
    en: 'No such calendar feed (or it was revoked)',
    it: 'Indirizzo del calendario inesistente o revocato',
  },
  TENANT_EXISTS: { status: 409, en: 'The tenant already exists', it: "L'ente esiste già" },
  ROLE_ALREADY_GRANTED: {
    status: 409,
    en: 'The user already holds this role for an overlapping period',
    it: "Il ruolo è già attribuito all'utente per un periodo sovrapposto",
  },
  OIV_NOT_INDEPENDENT: {
    status: 409,
    en: 'The OIV must be independent of the body: oiv cannot be held with an internal role of the same tenant',
    it: "L'OIV deve essere indipendente dall'ente (d.lgs. 150/2009 art. 14): il ruolo oiv non si attribuisce a chi ha un ruolo interno dello stesso ente, né un ruolo interno a chi è OIV",
  },
  CALENDAR_FEED_LIMIT: {
    status: 409,
    en: 'At most 10 active calendar feeds per person: revoke one first',
    it: 'Al massimo 10 indirizzi di calendario attivi per persona: revocane uno prima',
  },
  API_KEY_REVOKED: { status: 409, en: 'The API key is already revoked', it: 'La chiave API è già revocata' },
  CONCURRENT_MODIFICATION: {
    status: 409,
    en: 'The directory was changed concurrently; retry',
    it: 'I dati sono stati modificati nel frattempo: riprovare',
  },
} as const;

export type IdentityRefusalCode = keyof typeof IDENTITY_REFUSALS;

/** A directory operation refused by a rule: nothing was written. The API answers `status` with `code`. */
export class IdentityRefusal extends Error {
  readonly status: number;
  readonly messageIt: string;

  constructor(
    readonly code: IdentityRefusalCode,
    readonly detail?: string,
    readonly fields: IdentityFieldProblem[] = [],
  ) {
    const r = IDENTITY_REFUSALS[code];
    super(`${r.en}${detail ? `: ${detail}` : ''}`);
    this.name = 'IdentityRefusal';
    this.status = r.status;
    this.messageIt = r.it;
  }
}

export const invalidInput = (fields: IdentityFieldProblem[]) =>
  new IdentityRefusal('INVALID_REQUEST', fields.map((f) => `${f.field} ${f.problem}`).join('; '), fields);

/**
 * Authentication failed (401) or could not be checked (503: the identity provider did not answer).
 * `reason` is safe to return and log: it never contains the token.
 */
export class AuthFailure extends Error {
  constructor(
    readonly reason: string,
    readonly status: 401 | 503 = 401,
  ) {
    super(reason);
    this.name = 'AuthFailure';
  }
}
