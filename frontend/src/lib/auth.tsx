import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, auth, workspaces, type Me, type TokenPair } from "../api/endpoints";

interface AuthValue {
  signedIn: boolean;
  me: Me | undefined;
  meLoading: boolean;
  meError: unknown;
  login: (email: string, password: string) => Promise<void>;
  register: (body: { email: string; password: string; full_name?: string }) => Promise<void>;
  logout: () => Promise<void>;
  switchWorkspace: (id: string) => Promise<void>;
  canManage: boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [signedIn, setSignedIn] = useState(() => api.store.get() !== null);

  useEffect(() => {
    api.setLogoutHandler(() => {
      setSignedIn(false);
      queryClient.clear();
    });
    return () => api.setLogoutHandler(undefined);
  }, [queryClient]);

  // Another tab logged out (or in): follow it.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === "sellpilot.tokens") setSignedIn(api.store.get() !== null);
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  const meQuery = useQuery({ queryKey: ["me"], queryFn: auth.me, enabled: signedIn, staleTime: 60_000 });

  const start = useCallback(
    (pair: TokenPair) => {
      api.acceptTokens(pair);
      queryClient.clear();
      setSignedIn(true);
    },
    [queryClient],
  );

  const value = useMemo<AuthValue>(
    () => ({
      signedIn,
      me: meQuery.data,
      meLoading: meQuery.isPending && signedIn,
      meError: meQuery.error,
      login: async (email, password) => start(await auth.login({ email, password })),
      register: async (body) => start(await auth.register(body)),
      logout: async () => {
        const refresh = api.store.get()?.refresh;
        try {
          await auth.logout(refresh);
        } catch {
          // The session ends here whatever the server said.
        }
        api.store.set(null);
        queryClient.clear();
        setSignedIn(false);
      },
      switchWorkspace: async (id) => {
        api.acceptTokens(await workspaces.switch(id));
        await queryClient.resetQueries();
      },
      canManage: meQuery.data ? meQuery.data.workspace.role !== "member" : false,
    }),
    [signedIn, meQuery.data, meQuery.isPending, meQuery.error, start, queryClient],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
