import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { configureApi, get, post } from './api';

export interface SessionUser {
  userId: string;
  name?: string;
  tenant: string;
  roles: string[];
}

export interface SessionView {
  authenticated: boolean;
  demo: boolean;
  oidc: boolean;
  user?: SessionUser;
  via?: 'dev_token' | 'oidc';
  csrfToken?: string;
  expiresAt?: string;
  idleMinutes?: number;
}

interface SessionContextValue {
  session: SessionView | null;
  /** The role the user acts in (recorded by the events they cause). */
  actingRole: string | undefined;
  setActingRole(role: string): void;
  refresh(): Promise<SessionView>;
  logout(): Promise<void>;
  /** Set when a request found the session gone. */
  expired: boolean;
  /** Set when the server could not be asked who is logged in (the session shown is a placeholder). */
  unavailable: boolean;
}

const SessionContext = createContext<SessionContextValue | null>(null);

const roleKey = (u: SessionUser) => `ciclo.ruolo.${u.tenant}.${u.userId}`;

function pickRole(u: SessionUser | undefined): string | undefined {
  if (!u || u.roles.length === 0) return undefined;
  const saved = localStorage.getItem(roleKey(u));
  return saved && u.roles.includes(saved) ? saved : u.roles[0];
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [actingRole, setRole] = useState<string | undefined>();
  const [expired, setExpired] = useState(false);
  const [unavailable, setUnavailable] = useState(false);

  const apply = useCallback((s: SessionView) => {
    const role = pickRole(s.user);
    configureApi({ csrf: s.csrfToken, actingRole: role, onUnauthenticated: () => setExpired(true) });
    setRole(role);
    setSession(s);
    setExpired(false);
    setUnavailable(false);
    return s;
  }, []);

  const refresh = useCallback(async () => apply(await get<SessionView>('/auth/session')), [apply]);

  useEffect(() => {
    refresh().catch(() => {
      setUnavailable(true);
      setSession({ authenticated: false, demo: false, oidc: false });
    });
  }, [refresh]);

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      actingRole,
      expired,
      unavailable,
      refresh,
      setActingRole(role: string) {
        if (!session?.user?.roles.includes(role)) return;
        localStorage.setItem(roleKey(session.user), role);
        configureApi({ actingRole: role });
        setRole(role);
      },
      async logout() {
        const r = await post<{ redirectTo: string }>('/auth/logout');
        configureApi({ csrf: undefined, actingRole: undefined });
        window.location.assign(r.redirectTo || '/accesso');
      },
    }),
    [session, actingRole, expired, unavailable, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** Whether the user holds any of these roles (what the console shows; the API decides). */
export function useHasRole(...roles: string[]): boolean {
  const { session } = useSession();
  return !!session?.user?.roles.some((r) => roles.includes(r));
}
