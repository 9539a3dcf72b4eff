/**
 * The console's page of a cycle (`/cicli/{id}`, served by the API on its own origin): what reminder
 * e-mails, in-app notifications and calendar events link to, so that a click opens the page in a
 * browser rather than the JSON of `GET /cycles/{id}`.
 */
export function cyclePageUrl(publicUrl: string, cycleId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/cicli/${encodeURIComponent(cycleId)}`;
}
