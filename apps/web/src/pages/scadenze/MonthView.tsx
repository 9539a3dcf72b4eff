import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { todayInRome } from '../../labels';
import { DeadlineBadge, statusDetail, type DeadlineItem } from './deadline-status';

const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
const WEEKDAYS = [
  ['Lun', 'lunedì'],
  ['Mar', 'martedì'],
  ['Mer', 'mercoledì'],
  ['Gio', 'giovedì'],
  ['Ven', 'venerdì'],
  ['Sab', 'sabato'],
  ['Dom', 'domenica'],
];

const pad = (n: number) => String(n).padStart(2, '0');
const monthKey = (y: number, m: number) => `${y}-${pad(m + 1)}`;

/** The month to open on: this month when it has deadlines, else the month of the deadline nearest to today. */
function initialMonth(items: DeadlineItem[]): { y: number; m: number } {
  const today = todayInRome();
  const dated = items.filter((d) => d.effectiveDate).map((d) => d.effectiveDate as string);
  let pick = today;
  if (dated.length && !dated.some((d) => d.slice(0, 7) === today.slice(0, 7))) {
    const t = Date.parse(today);
    pick = dated.reduce((best, d) => (Math.abs(Date.parse(d) - t) < Math.abs(Date.parse(best) - t) ? d : best), dated[0]);
  }
  return { y: Number(pick.slice(0, 4)), m: Number(pick.slice(5, 7)) - 1 };
}

/** A month as a calendar table (weeks from Monday), the deadlines in their days. */
export function MonthView({ items }: { items: DeadlineItem[] }) {
  const [cur, setCur] = useState(() => initialMonth(items));
  const byDay = useMemo(() => {
    const map = new Map<string, DeadlineItem[]>();
    for (const d of items) if (d.effectiveDate) map.set(d.effectiveDate, [...(map.get(d.effectiveDate) ?? []), d]);
    return map;
  }, [items]);
  const today = todayInRome();
  const first = new Date(Date.UTC(cur.y, cur.m, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const days = new Date(Date.UTC(cur.y, cur.m + 1, 0)).getUTCDate();
  const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const inMonth = items.filter((d) => d.effectiveDate?.startsWith(monthKey(cur.y, cur.m))).length;
  const move = (delta: number) => setCur(({ y, m }) => ({ y: m + delta < 0 ? y - 1 : m + delta > 11 ? y + 1 : y, m: (m + delta + 12) % 12 }));
  const title = `${MONTHS[cur.m]} ${cur.y}`;

  return (
    <section aria-labelledby="mese-titolo">
      <div className="d-flex align-items-center gap-2 mb-2 flex-wrap">
        <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => move(-1)}>
          Mese precedente
        </button>
        <h2 id="mese-titolo" className="h4 mb-0 text-capitalize" aria-live="polite">
          {title}
        </h2>
        <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => move(1)}>
          Mese successivo
        </button>
        <span className="small">{inMonth === 1 ? '1 scadenza' : `${inMonth} scadenze`} in questo mese</span>
      </div>
      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-bordered calendar-month">
          <caption className="visually-hidden">Scadenze di {title}</caption>
          <thead>
            <tr>
              {WEEKDAYS.map(([short, long]) => (
                <th key={short} scope="col">
                  <abbr title={long}>{short}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((w, i) => (
              <tr key={i}>
                {w.map((day, j) => {
                  if (day === null) return <td key={j} className="bg-light" />;
                  const iso = `${monthKey(cur.y, cur.m)}-${pad(day)}`;
                  const list = byDay.get(iso) ?? [];
                  return (
                    <td key={j} className={iso === today ? 'calendar-today' : undefined}>
                      <div className="small fw-bold">
                        {day}
                        {iso === today ? <span className="ms-1 fw-normal">(oggi)</span> : null}
                      </div>
                      <ul className="list-unstyled mb-0">
                        {list.map((d) => (
                          <li key={`${d.cycleId}/${d.deadlineId}`} className="mb-1 small">
                            <DeadlineBadge d={d} /> <Link to={`/cicli/${d.cycleId}`}>{d.title}</Link>
                            <span className="d-block">
                              {d.cycleTitle} · {statusDetail(d)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
