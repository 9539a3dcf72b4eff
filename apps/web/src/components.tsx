/** Small building blocks shared by the pages. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';

/** The page's heading; sets the document title and takes the focus after navigation (screen readers hear the new page). */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Ciclo`;
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1} className="h2 mb-3">
      {children}
    </h1>
  );
}

export function Loading({ label = 'Caricamento in corso…' }: { label?: string }) {
  return (
    <div className="d-flex align-items-center gap-2 my-3" role="status" aria-live="polite">
      <div className="progress-spinner progress-spinner-active size-sm" aria-hidden="true">
        <span className="visually-hidden">{label}</span>
      </div>
      <span>{label}</span>
    </div>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const msg = error instanceof ApiError ? error.messageIt : 'Si è verificato un errore imprevisto';
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="alert alert-danger" role="alert">
      {msg}
      {code && code !== 'NETWORK' ? <span className="visually-hidden"> (codice {code})</span> : null}
    </div>
  );
}

/** Loads data on mount and whenever `deps` change; `reload()` asks again. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    load(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}

/** A badge with text (colour is never the only carrier of meaning). */
export function StatusBadge({ tone, children }: { tone: 'success' | 'warning' | 'danger' | 'secondary' | 'primary' | 'info'; children: ReactNode }) {
  return <span className={`badge bg-${tone}${tone === 'warning' || tone === 'info' ? ' text-dark' : ''}`}>{children}</span>;
}
