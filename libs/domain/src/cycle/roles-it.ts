/** Italian names of the roles, as people read them in the console and in documents. */
export const ROLE_LABELS: Readonly<Record<string, string>> = {
  segretario_generale: 'Segretario Generale',
  rpct: 'RPCT',
  oiv: 'OIV',
  dirigente: 'Dirigente',
  po: 'Posizione organizzativa',
  rilevatore: 'Rilevatore',
  segreteria_organi: 'Segreteria organi',
  struttura_tecnica: 'Struttura tecnica (STP)',
  osservatore: 'Osservatore',
  admin: 'Amministratore',
  presidente: 'Presidente',
  revisori: 'Collegio dei revisori',
  system: 'Sistema',
};

export const roleLabel = (r: string): string => ROLE_LABELS[r] ?? r;
