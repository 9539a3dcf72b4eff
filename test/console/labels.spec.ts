/** The console has an Italian message for every error code the API can answer. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REFUSALS } from '@ciclo/domain';
import { IDENTITY_REFUSALS } from '../../libs/identity/src/errors';
import { ERROR_MESSAGES, errorMessageIt, fieldProblemIt } from '../../apps/web/src/labels';

const API_DIR = resolve(__dirname, '../../apps/api/src');

describe('Italian error messages of the console', () => {
  it('cover every domain and identity refusal and every code the HTTP layer writes', () => {
    const http = new Set<string>();
    for (const f of readdirSync(API_DIR).filter((n) => n.endsWith('.ts'))) {
      for (const m of readFileSync(resolve(API_DIR, f), 'utf8').matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)) http.add(m[1]);
    }
    // The HTTP layer's own codes are found in the sources (a new one without a label fails here).
    expect(http.size).toBeGreaterThan(8);
    const codes = [...Object.keys(REFUSALS), ...Object.keys(IDENTITY_REFUSALS), ...http, 'CONCURRENT_MODIFICATION', 'NOT_FOUND', 'UNSUPPORTED_MEDIA_TYPE'];
    const missing = codes.filter((c) => !ERROR_MESSAGES[c]);
    expect(missing).toEqual([]);
    // Statuses the filter reports as HTTP_<status>.
    for (const s of [401, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503]) expect(ERROR_MESSAGES[`HTTP_${s}`]).toBeTruthy();
  });

  it("prefers the API's own Italian (which carries the detail), then the console's, then names the code", () => {
    expect(errorMessageIt('INVALID_FIELDS', 'Campi mancanti o non validi: reason: è obbligatorio')).toBe('Campi mancanti o non validi: reason: è obbligatorio');
    expect(errorMessageIt('SEPARATION_OF_DUTIES')).toBe(REFUSALS.SEPARATION_OF_DUTIES.it);
    expect(errorMessageIt('SOMETHING_NEW')).toBe('Errore (SOMETHING_NEW)');
  });

  it('translates field problems into Italian', () => {
    expect(fieldProblemIt('is required')).toBe('è obbligatorio');
    expect(fieldProblemIt('must be at most 4000 characters')).toBe('può contenere al massimo 4000 caratteri');
    expect(fieldProblemIt('must be one of: anac, mef')).toBe('deve essere uno tra: anac, mef');
    expect(fieldProblemIt('must be a date YYYY-MM-DD')).toBe('deve essere una data valida (gg/mm/aaaa)');
    expect(fieldProblemIt('anything', 'già tradotto')).toBe('già tradotto');
  });
});
